"""textversions — find every version of a story in a pile of text and say what changed.

>>> from textversions import compare
>>> compare("星锋村党总支", "星峰村党总支").edits[0].kind
'substitution'
"""

from importlib.metadata import PackageNotFoundError, version

from .edits import Edit
from .collate import Collation, Reading, Variant, collate
from .compare import Comparison, Passage, Scores, compare
from .find import Relation, Result, find_versions
from .explain import Explanation, explain
from .calibrate import Calibration, calibrate
from .archive import Archive
from .errors import DuplicateId, InvalidArchive, InvalidIndex, InvalidInput, NotText, TextVersionsError, UnreadableDocument
from .index import SketchIndex
from .normalize import Normalized, normalize
from .options import Options
from . import report  # noqa: F401  (registers how a notebook shows results)

try:
    __version__ = version("textversions")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "Archive",
    "Calibration",
    "Collation",
    "Comparison",
    "DuplicateId",
    "Edit",
    "Explanation",
    "InvalidArchive",
    "InvalidIndex",
    "InvalidInput",
    "Normalized",
    "NotText",
    "Options",
    "Passage",
    "Reading",
    "Relation",
    "Result",
    "Scores",
    "SketchIndex",
    "TextVersionsError",
    "UnreadableDocument",
    "Variant",
    "calibrate",
    "collate",
    "compare",
    "explain",
    "find_versions",
    "normalize",
]
