"""Recognition's URL keywords for the meta-tests (AppRegistration.url_kwargs): keyword -> maker(org)."""

from advocacy.tenancy.context import organization_scope
from recognition import services
from tests.recognition.factories import member


def kudos(org):
    giver, receiver = member(org), member(org)
    with organization_scope(org):
        return services.kudos_give(organization=org, actor=giver, receiver_id=receiver.pk, message="Thank you")


def reward(org):
    with organization_scope(org):
        from recognition.models import Reward

        return Reward.objects.create(organization=org, name=f"Reward {Reward.objects.count() + 1}", cost=10, stock=3)


def redemption(org):
    from recognition.models import Redemption

    with organization_scope(org):
        return Redemption.objects.create(organization=org, reward=reward(org), user=member(org), cost=10)


def story(org):
    with organization_scope(org):
        return services.story_submit(
            organization=org, actor=member(org), title="A win", what_happened="Something good happened."
        )


MAKERS = {
    "member_user_id": lambda org: member(org).pk,
    "kudos_id": lambda org: kudos(org).pk,
    "reward_id": lambda org: reward(org).pk,
    "redemption_id": lambda org: redemption(org).pk,
    "story_id": lambda org: story(org).pk,
}
