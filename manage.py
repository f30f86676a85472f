#!/usr/bin/env python
from frankly.cli import main

if __name__ == "__main__":
    main()
