from django.urls import path

from frankly.feedback import merge_views, review_views, views
from frankly.feedback.feeds import PostActivityFeed, PostsFeed

app_name = "feedback"
urlpatterns = [
    path("", views.board, name="board"),
    path("search/", views.search, name="search"),
    path("feeds/posts.atom", PostsFeed(), name="posts_feed"),
    path("posts/new/", views.new_post, name="new_post"),
    path("posts/<int:post_id>/", views.post_detail, name="post"),
    path("posts/<int:post_id>/feed.atom", PostActivityFeed(), name="post_feed"),
    path("posts/<int:post_id>/edit/", views.edit_post, name="edit_post"),
    path("posts/<int:post_id>/vote/", views.vote, name="vote"),
    path("posts/<int:post_id>/comment/", views.comment, name="comment"),
    path("posts/<int:post_id>/follow/", views.follow, name="follow"),
    path("posts/<int:post_id>/status/", views.change_status, name="status"),
    path("posts/<int:post_id>/response/", views.official_response, name="response"),
    path("posts/<int:post_id>/merge/", views.merge, name="merge"),
    path("posts/<int:post_id>/tags/", views.set_tags, name="tags"),
    path("posts/<int:post_id>/accept/", views.accept_answer, name="accept"),
    path("comments/<int:comment_id>/edit/", views.edit_comment, name="edit_comment"),
    path("review/", review_views.review_queue, name="review_queue"),
    path("posts/<int:post_id>/approve/", review_views.approve, name="approve"),
    path("posts/<int:post_id>/reject/", review_views.reject, name="reject"),
    path("people/<int:user_id>/", views.profile, name="profile"),
    path(
        "posts/<int:post_id>/withdraw-merged-vote/",
        merge_views.withdraw_on_page,
        name="withdraw_merged_vote_here",
    ),
    path(
        "merged-votes/<str:token>/withdraw/",
        merge_views.withdraw_by_link,
        name="withdraw_merged_vote",
    ),
]
