"""Data leaving and coming back: FHIR R4 export, the patient's own archive and erasure, backups."""
