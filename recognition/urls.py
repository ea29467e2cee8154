from django.urls import path

from .views import boards, kudos, members, rewards, stories

urlpatterns = [
    path("", boards.board, name="recognition_board"),
    path("visibility/", boards.visibility, name="recognition_visibility"),
    path("switch/", boards.switch, name="recognition_switch"),
    path("settings/", boards.recognition_settings, name="recognition_settings"),
    path("members/<int:member_user_id>/", members.member, name="recognition_member"),
    path("notices/seen/", members.notices_seen, name="recognition_notices_seen"),
    path("badges/", members.badges, name="recognition_badges"),
    path("badges/new/", members.badge_create, name="recognition_badge_create"),
    path("badges/award/", members.badge_award, name="recognition_badge_award"),
    path("wall/", kudos.wall, name="recognition_wall"),
    path("wall/give/", kudos.kudos_give, name="recognition_kudos_give"),
    path("wall/<int:kudos_id>/report/", kudos.kudos_report, name="recognition_kudos_report"),
    path("wall/<int:kudos_id>/resolve/", kudos.kudos_resolve, name="recognition_kudos_resolve"),
    path("rewards/", rewards.rewards, name="recognition_rewards"),
    path("rewards/new/", rewards.reward_create, name="recognition_reward_create"),
    path("rewards/<int:reward_id>/", rewards.reward_update, name="recognition_reward_update"),
    path("rewards/<int:reward_id>/request/", rewards.reward_request, name="recognition_reward_request"),
    path("redemptions/<int:redemption_id>/decide/", rewards.redemption_decide, name="recognition_redemption_decide"),
    path("wins/", stories.wins, name="recognition_wins"),
    path("wins/new/", stories.story_new, name="recognition_story_new"),
    path("wins/milestone/", stories.milestone_new, name="recognition_milestone_new"),
    path("wins/<int:story_id>/decide/", stories.story_decide, name="recognition_story_decide"),
    path("wins/<int:story_id>/to-content/", stories.story_to_content, name="recognition_story_to_content"),
]
