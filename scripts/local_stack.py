#!/usr/bin/env python3
"""The local AWS stack: moto_server on a free 127.0.0.1 port, provisioned from template.yaml.

template.yaml is the one source of names and shapes: every DynamoDB table, SQS queue and KMS key
(and alias) it declares is created here with the same keys, indexes, TTL attribute and redrive
policy, and the functions' environment variables are resolved from it as CloudFormation would.

  local_stack.py run [--parameter NAME=VALUE]... -- CMD ARGS...
                                       start, provision, run CMD with the environment, stop
  local_stack.py start [--parameter NAME=VALUE]... [--env-file F]
                                       start and provision in the background; write `export` lines
  local_stack.py stop [--env-file F]   stop what `start` started

The environment: AWS_ENDPOINT_URL, dummy credentials and region, every function's variables
(TABLE_NAME, QUEUE_URL, ...), and STACK_OUTPUT_<NAME> for each resolvable output. A
--parameter overrides a template parameter's default, as `sam deploy --parameter-overrides` does.
"""
import argparse
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATE = os.path.join(ROOT, "template.yaml")
DEFAULT_ENV_FILE = os.path.join(ROOT, ".local", "stack.env")
STACK = "exlogare-local"
REGION = "eu-central-1"
ACCOUNT = "123456789012"


def ensure_python_packages():
    """Installs moto[server] (with boto3 and PyYAML) when it is missing."""
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
        import yaml  # noqa: F401
        import flask  # noqa: F401
    except ImportError:
        print("local-stack: installing moto[server] from PyPI", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet",
                               "moto[server]>=5,<6", "PyYAML"])


def load_template():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def tag(name):
        def construct(loader, node):
            if isinstance(node, yaml.ScalarNode):
                value = loader.construct_scalar(node)
                if name == "Fn::GetAtt":
                    value = value.split(".", 1)
            elif isinstance(node, yaml.SequenceNode):
                value = loader.construct_sequence(node, deep=True)
            else:
                value = loader.construct_mapping(node, deep=True)
            return {name: value}
        return construct

    for short in ["Ref", "GetAtt", "Sub", "Join", "Select", "Split", "If", "Equals", "Not",
                  "And", "Or", "FindInMap", "ImportValue", "Base64", "Cidr", "GetAZs"]:
        full = "Ref" if short == "Ref" else "Fn::" + short
        Loader.add_constructor("!" + short, tag(full))
    with open(TEMPLATE, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=Loader)


class Unresolvable(Exception):
    pass


class Provisioner:
    def __init__(self, template, endpoint, overrides):
        import boto3
        session = boto3.session.Session(aws_access_key_id="testing",
                                        aws_secret_access_key="testing", region_name=REGION)
        self.ddb = session.client("dynamodb", endpoint_url=endpoint)
        self.sqs = session.client("sqs", endpoint_url=endpoint)
        self.kms = session.client("kms", endpoint_url=endpoint)
        self.template = template
        self.resources = template.get("Resources", {})
        self.params = {name: str(spec.get("Default", ""))
                       for name, spec in template.get("Parameters", {}).items()}
        unknown = set(overrides) - set(self.params)
        if unknown:
            sys.exit(f"local-stack: template.yaml has no parameter {', '.join(sorted(unknown))}")
        for name, value in overrides.items():
            allowed = template["Parameters"][name].get("AllowedValues")
            if allowed is not None and value not in map(str, allowed):
                sys.exit(f"local-stack: {name} must be one of {', '.join(map(str, allowed))}")
        self.params.update(overrides)
        self.created = {}  # logical id -> {"Ref": ..., attribute: ...}

    # --- intrinsic functions -------------------------------------------------------------
    def resolve(self, value):
        if isinstance(value, dict) and len(value) == 1:
            (fn, arg), = value.items()
            if fn == "Ref":
                return self.ref(arg)
            if fn == "Fn::GetAtt":
                return self.attr(arg[0], arg[1])
            if fn == "Fn::Sub":
                return self.sub(arg)
            if fn == "Fn::Join":
                return arg[0].join(str(self.resolve(v)) for v in arg[1])
            if fn.startswith("Fn::"):
                raise Unresolvable(fn)
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def ref(self, name):
        pseudo = {"AWS::StackName": STACK, "AWS::Region": REGION, "AWS::AccountId": ACCOUNT,
                  "AWS::URLSuffix": "amazonaws.com", "AWS::Partition": "aws"}
        if name in pseudo:
            return pseudo[name]
        if name in self.params:
            return self.params[name]
        return self.ensure(name)["Ref"]

    def attr(self, name, attribute):
        made = self.ensure(name)
        if attribute not in made:
            raise Unresolvable(f"{name}.{attribute}")
        return made[attribute]

    def sub(self, arg):
        text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

        def replace(match):
            key = match.group(1)
            if key in extra:
                return str(self.resolve(extra[key]))
            if "." in key:
                name, attribute = key.split(".", 1)
                return str(self.attr(name, attribute))
            return str(self.ref(key))
        return re.sub(r"\$\{([^}!]+)\}", replace, text)

    # --- resources -------------------------------------------------------------------------
    def ensure(self, name):
        if name in self.created:
            return self.created[name]
        spec = self.resources.get(name)
        if spec is None:
            raise Unresolvable(name)
        kind, props = spec["Type"], self.resolve(spec.get("Properties", {}))
        physical = f"{STACK}-{name}"
        if kind == "AWS::DynamoDB::Table":
            made = self.table(physical, props)
        elif kind == "AWS::SQS::Queue":
            made = self.queue(physical, props)
        elif kind == "AWS::KMS::Key":
            key = self.kms.create_key(Description=physical)["KeyMetadata"]
            made = {"Ref": key["KeyId"], "Arn": key["Arn"]}
        elif kind == "AWS::KMS::Alias":
            self.kms.create_alias(AliasName=props["AliasName"], TargetKeyId=props["TargetKeyId"])
            made = {"Ref": props["AliasName"]}
        else:
            raise Unresolvable(f"{name} ({kind})")
        self.created[name] = made
        return made

    def table(self, physical, props):
        args = {"TableName": physical, "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": props["AttributeDefinitions"],
                "KeySchema": props["KeySchema"]}
        if props.get("GlobalSecondaryIndexes"):
            args["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        desc = self.ddb.create_table(**args)["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            self.ddb.update_time_to_live(TableName=physical, TimeToLiveSpecification={
                "AttributeName": ttl["AttributeName"], "Enabled": True})
        return {"Ref": physical, "Arn": desc["TableArn"]}

    def queue(self, physical, props):
        attributes = {}
        for prop in ["VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds",
                     "ReceiveMessageWaitTimeSeconds", "MaximumMessageSize"]:
            if prop in props:
                attributes[prop] = str(props[prop])
        if "RedrivePolicy" in props:
            import json
            attributes["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
        if props.get("FifoQueue"):
            physical += ".fifo"
            attributes["FifoQueue"] = "true"
        url = self.sqs.create_queue(QueueName=physical, Attributes=attributes)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        return {"Ref": url, "Arn": arn, "QueueName": physical, "QueueUrl": url}

    def provision(self):
        """Creates every supported resource and returns the environment the functions read."""
        supported = {"AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::KMS::Key",
                     "AWS::KMS::Alias"}
        for name, spec in self.resources.items():
            if spec.get("Type") in supported:
                self.ensure(name)
        env = {}
        variables = [self.template.get("Globals", {}).get("Function", {})
                     .get("Environment", {}).get("Variables", {})]
        variables += [spec.get("Properties", {}).get("Environment", {}).get("Variables", {})
                      for spec in self.resources.values()
                      if spec.get("Type") == "AWS::Serverless::Function"]
        for block in variables:
            for key, value in block.items():
                try:
                    env[key] = str(self.resolve(value))
                except Unresolvable as missing:
                    print(f"local-stack: {key} left unset (needs {missing})", file=sys.stderr)
        for name, output in self.template.get("Outputs", {}).items():
            try:
                env["STACK_OUTPUT_" + re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()] = str(
                    self.resolve(output["Value"]))
            except Unresolvable:
                pass  # outputs of API Gateway and the like exist only in AWS
        return env


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto():
    port = free_port()
    log = open(os.path.join(ROOT, ".local", "moto.log"), "ab")
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                             str(port)], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit("local-stack: moto_server exited early; see .local/moto.log")
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
            return proc, endpoint
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("local-stack: moto_server did not answer within 30 s; see .local/moto.log")


def stack_environment(endpoint, overrides):
    env = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    env.update(Provisioner(load_template(), endpoint, overrides).provision())
    return env


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def parameter(text):
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    start = sub.add_parser("start")
    for command in [run, start]:
        command.add_argument("--parameter", action="append", default=[], metavar="NAME=VALUE",
                             type=parameter, help="override a template parameter's default")
    run.add_argument("cmd", nargs=argparse.REMAINDER)
    for command in [start, sub.add_parser("stop")]:
        command.add_argument("--env-file", default=DEFAULT_ENV_FILE)
    args = parser.parse_args()
    os.makedirs(os.path.join(ROOT, ".local"), exist_ok=True)

    if args.command == "stop":
        pid_file = args.env_file + ".pid"
        if os.path.exists(pid_file):
            with open(pid_file) as fh:
                pid = int(fh.read().strip())
            try:
                os.killpg(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            os.remove(pid_file)
        return 0

    ensure_python_packages()
    proc, endpoint = start_moto()
    try:
        env = stack_environment(endpoint, dict(args.parameter))
    except BaseException:
        stop(proc)
        raise
    if args.command == "start":
        with open(args.env_file, "w") as fh:
            fh.writelines(f"export {k}={shlex.quote(v)}\n" for k, v in sorted(env.items()))
        with open(args.env_file + ".pid", "w") as fh:
            fh.write(str(proc.pid))
        print(f"local-stack: moto_server on {endpoint}; `source {os.path.relpath(args.env_file)}`")
        return 0

    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("run needs a command after --")
    print(f"local-stack: moto_server on {endpoint}", file=sys.stderr)
    try:
        return subprocess.call(cmd, env={**os.environ, **env})
    finally:
        stop(proc)


if __name__ == "__main__":
    sys.exit(main())
