"""claimcheck: a compliance linter for stem-cell and regenerative-medicine advertising.

The package is organised by stage (see ../shared/design/architecture.md):
load -> normalize -> extract -> evaluate -> grade -> report. Importing this
package is cheap on purpose: spaCy is imported only when a pipeline is built.
"""

__version__ = "0.1.0"
