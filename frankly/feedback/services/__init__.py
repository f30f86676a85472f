"""Every write on the feedback board. Views and the API both call these.

Each function checks who may do it, runs in one transaction and raises a
``frankly.errors`` exception with a message for people when it cannot. The code
is split by topic; this package exports it all under one name.
"""

from frankly.feedback.services.checks import MAX_ID, get_post
from frankly.feedback.services.comments import accept_answer, add_comment, edit_comment
from frankly.feedback.services.posts import create_post, edit_post, follow_post, unfollow_post
from frankly.feedback.services.review import approve_post, reject_post
from frankly.feedback.services.staff import (
    change_status,
    create_tag,
    merge_posts,
    set_official_response,
)
from frankly.feedback.services.votes import add_vote, remove_vote, toggle_vote

__all__ = [
    "MAX_ID",
    "accept_answer",
    "add_comment",
    "add_vote",
    "approve_post",
    "change_status",
    "create_post",
    "create_tag",
    "edit_comment",
    "edit_post",
    "follow_post",
    "get_post",
    "merge_posts",
    "reject_post",
    "remove_vote",
    "set_official_response",
    "toggle_vote",
    "unfollow_post",
]
