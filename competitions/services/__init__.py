class ServiceError(Exception):
    """An expected refusal; its message is shown to the person as-is."""
