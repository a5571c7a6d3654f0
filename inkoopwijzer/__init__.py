"""Inkoopwijzer: grounded answers about Dutch health insurers' procurement policies.

This package holds what every layer shares: typed settings, the result types
(`Chunk`, `Citation`, `Answer`, ...), the error tree and the CLI.
"""

__version__ = "0.1.0"
