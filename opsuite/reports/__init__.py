"""Reports (volunteer hours, shift fill, staff coverage, task throughput), exports, imports and
backup/restore. Reads other areas' models; writes them only through their services."""
