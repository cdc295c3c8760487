"""Zicht: one shared, honest view of human trafficking in the Netherlands."""

__version__ = "0.1.0"
__all__ = ["__version__"]
