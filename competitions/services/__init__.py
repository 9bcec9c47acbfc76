from ..errors import PermissionRefused, ServiceError

__all__ = ["PermissionRefused", "ServiceError"]
