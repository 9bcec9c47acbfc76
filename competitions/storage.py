import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator

from django.db.models.fields.files import FieldFile


@contextlib.contextmanager
def local_path(field_file: FieldFile) -> Iterator[str]:
    """A path on this host for a stored file: the file itself on local disk, else a temporary
    copy (S3 and other remote storages), removed afterwards."""
    try:
        path = field_file.path
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    fd, tmp = tempfile.mkstemp(prefix="datajam-", suffix=os.path.basename(field_file.name))
    try:
        with os.fdopen(fd, "wb") as out, field_file.storage.open(field_file.name, "rb") as src:
            shutil.copyfileobj(src, out, 1024 * 1024)
        yield tmp
    finally:
        os.unlink(tmp)
