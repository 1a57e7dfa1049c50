from tests.people.conftest import queries

__all__ = ["queries"]
