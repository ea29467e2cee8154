"""Demo data: the points the demo organization's people earned with what the other apps' demo data records
(weeks of confirmed shares, approved suggestions and acknowledgements), awarded by the same run the beat task
makes, so the boards have a history. Idempotent (the ledger's unique key), and one member chose to appear as
"a colleague"."""

from .models import BoardPreference
from .services import points_award_run


def seed(demo):
    organization = demo.organization
    points_award_run(organization=organization)
    employees = demo.people.get("employees") or []
    if len(employees) > 3:
        BoardPreference.objects.get_or_create(
            organization=organization,
            user=employees[3],
            defaults={"visibility": BoardPreference.Visibility.ANONYMOUS},
        )
