"""The base of every JSON request body the API accepts."""

from pydantic import BaseModel, ConfigDict


class RequestBody(BaseModel):
    """A request body: a JSON object, nothing else.

    ninja's ``Schema`` reads attributes off whatever it is given (it is built to read
    model instances), so a bare JSON string body ``"hello"`` would fill a ``title``
    field from ``str.title()``. A plain pydantic model accepts only an object.
    """


class ResponseBody(BaseModel):
    """A response schema, validated by pydantic alone.

    ninja's ``Schema`` wraps every object and dict it validates in an attribute
    reader, field by field: on a page of 20 posts that was a third of the request's
    time. Responses that the endpoints build as dicts need none of that; model
    instances are still read by attribute (``from_attributes``).
    """

    model_config = ConfigDict(from_attributes=True)
