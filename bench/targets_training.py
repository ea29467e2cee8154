"""Issue #15's bench target: the completion report of one course, read by HR, at the bench sizes (its data is
policies.training_scale.generate_course_completions: the course assigned to every member, 60% completed, 15%
overdue). Importing this module adds the target to bench.targets.TARGETS."""

from bench.targets import TARGETS, Target

COURSE_COMPLETION_REPORT = Target(
    name="course_completion_report",
    path="/o/{org}/policies/training/admin/courses/{course_id}/report/",
    user="hr@{org}.example",
    min_ratio=0.15,
    setup="policies.training_scale.bench_course_setup",
)

if COURSE_COMPLETION_REPORT not in TARGETS:
    TARGETS.append(COURSE_COMPLETION_REPORT)
