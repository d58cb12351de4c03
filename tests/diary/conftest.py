from tests.patients.conftest import clock, patient_client, programme

__all__ = ["clock", "patient_client", "programme"]
