from tests.people.conftest import queries  # noqa: F401 - the SQL statement counter fixture
