"""Transforms a SAM template to CloudFormation as the AWS::Serverless transform does, without AWS access.

usage: python3 transform.py TEMPLATE [NAME=VALUE ...]   (parameter values; prints the CloudFormation JSON)
Exit 3 when aws-sam-translator is not installed. Local CodeUri/DefinitionUri paths become S3 locations first,
as `sam package` makes them.
"""
import json
import os
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
try:
    from samtranslator.public.exceptions import InvalidDocumentException
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse
except ImportError as e:
    print("aws-sam-translator is not installed: " + str(e), file=sys.stderr)
    sys.exit(3)


class NoManagedPolicies:
    """The template names no managed policy by its short name, so no IAM lookup is needed."""

    def load(self):
        return {}


def packaged(node):
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key in ("CodeUri", "DefinitionUri") and isinstance(value, str) and not value.startswith("s3://"):
                node[key] = "s3://packaged-artifacts/" + value
            else:
                packaged(value)
    elif isinstance(node, list):
        for value in node:
            packaged(value)
    return node


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        sam = yaml_parse(f.read())
    parameters = dict(a.split("=", 1) for a in sys.argv[2:])
    try:
        out = transform(packaged(sam), parameters, NoManagedPolicies())
    except InvalidDocumentException as e:
        for cause in e.causes:
            print("ERROR: " + cause.message, file=sys.stderr)
        sys.exit(1)
    print(json.dumps(out, default=str))


main()
