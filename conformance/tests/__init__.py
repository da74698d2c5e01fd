"""A package, like codegen/tests: pytest then puts the repository root on the import path,
so ``conformance`` and ``codegen`` import from the checkout wherever pytest is started."""
