"""No lock-in: the whole site out as documented JSON Lines, and back in (site.py)."""
