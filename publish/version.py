"""The package's version, in a module that imports nothing.

Why its own module: the PDF and EPUB writers print it into their files, and importing it from the
package `publish` would make every writer depend on `publish/__init__.py` (which imports the build,
which imports the writers): an import cycle.
"""

__version__ = "0.1.0"
