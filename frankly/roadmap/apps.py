from django.apps import AppConfig


class RoadmapConfig(AppConfig):
    name = "frankly.roadmap"
    label = "roadmap"
    verbose_name = "Roadmap and changelog"
