"""The manager's legacy GraphQL schema (``/admin/gql``), the part the playground reads.

Transcribed from ``docs/manager/graphql-reference/schema.graphql`` (types ``Queries``,
``Endpoint``, ``Routing``, ``EndpointToken`` and their lists, trimmed to the fields a
client may plausibly ask for) at 24.09.14, 25.13.4 and 26.4.10. The three differ where
the playground cares: ``Routing.health_status`` exists only from 26.4.2, and
``Endpoint.replicas``/``live_stat`` from 24.12. graphql-core (which graphene, the
manager's GraphQL library, runs on) validates each query against it, so a field a
generation lacks is refused as that manager refuses it ("Cannot query field ...").
"""

from __future__ import annotations

from functools import cache

from graphql import GraphQLSchema, build_schema

from tests.fake_manager.generations import Generation

_SDL = """
scalar UUID
scalar DateTime
scalar JSONString

type Queries {
  endpoint(endpoint_id: UUID!): Endpoint
  endpoint_list(limit: Int!, offset: Int!, filter: String, order: String,
    domain_name: String, group_id: String, user_uuid: String, project: UUID): EndpointList
  endpoint_token_list(limit: Int!, offset: Int!, filter: String, order: String,
    endpoint_id: UUID): EndpointTokenList
}

type Endpoint {
  id: ID
  endpoint_id: UUID
  domain: String
  project: String
  resource_group: String
  url: String
  model: UUID
  name: String
  desired_session_count: Int
  %(replicas)s
  open_to_public: Boolean
  created_at: DateTime!
  destroyed_at: DateTime
  routings: [Routing]
  retries: Int
  status: String
  lifecycle_stage: String
}

type EndpointList {
  items: [Endpoint]!
  total_count: Int!
}

type Routing {
  id: ID
  routing_id: UUID
  endpoint: String
  session: UUID
  status: String
  %(health_status)s
  traffic_ratio: Float
  created_at: DateTime
  error_data: JSONString
}

type EndpointToken {
  id: ID
  token: String!
  endpoint_id: UUID!
  domain: String!
  project: String!
  session_owner: UUID!
  created_at: DateTime!
  valid_until: DateTime
}

type EndpointTokenList {
  items: [EndpointToken]!
  total_count: Int!
}

schema { query: Queries }
"""


@cache
def schema_for(generation: Generation) -> GraphQLSchema:
    newer = not generation.tag.startswith("24.")
    return build_schema(
        _SDL
        % {
            "replicas": "replicas: Int\n  live_stat: JSONString" if newer else "",
            "health_status": "health_status: String" if generation.route_health else "",
        }
    )
