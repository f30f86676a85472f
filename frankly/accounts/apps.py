from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "frankly.accounts"
    label = "accounts"
