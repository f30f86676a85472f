from django.contrib import admin

from frankly.crm.models import Company, Contact, ContactImport, EmailBounce


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "plan", "value"]
    search_fields = ["name", "domain"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "company", "plan", "value", "owner", "last_contacted_at"]
    search_fields = ["email", "name", "company_name"]
    list_select_related = ["company"]
    raw_id_fields = ["user", "company"]


@admin.register(ContactImport)
class ContactImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "created_at", "added", "updated", "unchanged", "skipped"]
    readonly_fields = ["problems"]


@admin.register(EmailBounce)
class EmailBounceAdmin(admin.ModelAdmin):
    list_display = ["email", "code", "created_at"]
    search_fields = ["email"]
