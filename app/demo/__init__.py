"""Demo data from the project's source documents, with dates relative to today."""
