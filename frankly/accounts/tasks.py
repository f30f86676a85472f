"""Background work for people's own data: preparing exports, erasing accounts."""

from django_tasks import task

from frankly.accounts import privacy


@task()
def prepare_export(export_id: int) -> str:
    export = privacy.prepare_export(export_id)
    return export.state if export else "missing"


@task()
def erase_account(user_id: int, keep_content: bool) -> bool:
    return privacy.erase_account(user_id, keep_content=keep_content)
