"""The base of every JSON request body the API accepts."""

from pydantic import BaseModel


class RequestBody(BaseModel):
    """A request body: a JSON object, nothing else.

    ninja's ``Schema`` reads attributes off whatever it is given (it is built to read
    model instances), so a bare JSON string body ``"hello"`` would fill a ``title``
    field from ``str.title()``. A plain pydantic model accepts only an object.
    """
