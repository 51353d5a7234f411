"""The data layer: load, validate and look up the knowledge base's figures. No Sphinx here."""

from .catalogue import AddressError, Catalogue, Entry, FigureRef
from .problems import LscbError, Problem
from .settings import Settings, find_root, load_settings

__all__ = [
    "AddressError",
    "Catalogue",
    "Entry",
    "FigureRef",
    "LscbError",
    "Problem",
    "Settings",
    "find_root",
    "load_settings",
]
