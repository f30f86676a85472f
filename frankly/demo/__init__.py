"""The Acme Cloud demo board: its text (content.py) and how it is played (builder.py)."""
