"""The public roadmap, the changelog (company blog), and closing the loop when
something customers asked for ships."""
