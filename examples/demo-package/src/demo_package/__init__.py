"""pypi-ops demo package: says hello."""

__version__ = "0.3.0"


def greet(name: str) -> str:
    return f"Hello, {name}!"
