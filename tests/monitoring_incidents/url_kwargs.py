"""The incidents app's URL keywords for the meta-tests (AppRegistration.url_kwargs): keyword -> maker(org)."""

from tests.monitoring_incidents.factories import incident


def _incident(org):
    return incident(org, title="Someone's incident").pk


MAKERS = {"incident_id": _incident}
