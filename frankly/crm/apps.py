from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "frankly.crm"
    label = "crm"
    verbose_name = "CRM contacts"
