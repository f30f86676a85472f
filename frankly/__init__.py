"""Frankly: a self-hosted customer community and transparency platform."""

__version__ = "0.1.0"
