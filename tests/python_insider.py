#!/usr/bin/python3
"""An insider in another language: a client holding members' stolen keys.

Speaks the wire protocol (proto/PROTOCOL.md) with pyzmq, the classes protoc
makes from proto/, and PyNaCl for Ed25519, signing reports by the canonical
encoding PROTOCOL.md gives ("Signatures"), written here from that text
alone. It reads the run's nodes.json and the key files in <run>/keys/.

Usage: python_insider.py RUN_DIR ATTACK --proto-out DIR
  ATTACK refused: with unit.south's key, a report to the centre as if from
           agency.bb; with the centre's key, a report agency.bb signed,
           altered after signing, to unit.north; with agency.aa's key, its
           own signed report to agency.bb, which coordinated mode does not
           allow. Every one must be refused.
  ATTACK signed: with the centre's key and agency.bb's signing key (two
           stolen keys), a report signed as agency.bb to unit.north: it
           verifies, so unit.north takes it in; the run then fails, naming a
           message no node created.
Prints the message ids it sent. Exit 0 sent, 1 the run is not live, 2 usage.
"""
import argparse
import json
import pathlib
import struct
import sys
import tomllib

import nacl.signing
import zmq

LINGER_MS = 5000


def put_string(tag, value):
    data = value.encode("utf-8")
    return bytes([tag]) + struct.pack(">I", len(data)) + data


def put_double(tag, value):
    return bytes([tag]) + struct.pack(">d", value)


def canonical(report):
    """The bytes a signature covers (proto/PROTOCOL.md, "Signatures")."""
    out = b"tearline.v1.ThreatReport.signature\n"
    out += put_string(1, report.signature.report_id)
    if report.signature.parent_report_id:
        out += put_string(2, report.signature.parent_report_id)
    out += put_string(3, report.trace_id) + put_string(4, report.origin_agency)
    out += put_string(5, report.source.agency) + put_string(6, report.source.value)
    for tag, field in ((7, "subject"), (8, "area"), (9, "site")):
        if report.HasField(field):
            out += put_string(tag, getattr(report, field))
    if report.HasField("window"):
        out += put_double(10, report.window.start_h) + put_double(11, report.window.end_h)
    if report.HasField("method"):
        out += put_string(12, report.method)
    out += put_string(13, report.credibility)
    out += bytes([14]) + struct.pack(">I", report.severity)
    out += bytes([15]) + struct.pack(">I", report.tlp)
    out += bytes([16, int(report.background)]) + bytes([17, int(report.sanitised)])
    return out + put_double(18, report.observed_at_h)


class Insider:
    def __init__(self, run_dir, report_pb2, frame_pb2):
        self.nodes = json.loads((run_dir / "coordinated" / "nodes.json").read_text())
        self.keys_dir = pathlib.Path(self.nodes["keys_dir"])
        self.report_pb2 = report_pb2
        self.frame_pb2 = frame_pb2
        self.context = zmq.Context()

    def key(self, member):
        return tomllib.loads((self.keys_dir / f"{member}.key").read_text())

    def warning(self, message_id, origin, signer=None, area="north"):
        """An actionable warning claiming `origin`, signed with `signer`'s key."""
        report = self.report_pb2.ThreatReport(
            report_id=message_id, trace_id="bb-north-1", origin_agency=origin,
            subject="subject-n", area=area, site="station", credibility="A1",
            severity=self.report_pb2.SEVERITY_CRITICAL, tlp=self.report_pb2.TLP_AMBER,
            observed_at_h=30)
        report.source.agency = origin
        report.source.value = "insider"
        report.window.start_h = 190
        report.window.end_h = 210
        if signer:
            report.signature.report_id = message_id
            seed = bytes.fromhex(self.key(signer)["signing_seed"])
            report.signature.ed25519 = nacl.signing.SigningKey(seed).sign(canonical(report)).signature
        return report

    def send(self, key_of, to, message_id, report):
        receiver = next(node for node in self.nodes["nodes"] if node["name"] == to)
        key = self.key(key_of)
        socket = self.context.socket(zmq.PUSH)
        socket.linger = LINGER_MS
        socket.curve_publickey = key["curve_public"].encode()
        socket.curve_secretkey = key["curve_secret"].encode()
        socket.curve_serverkey = receiver["public_key"].encode()
        socket.connect(receiver["data"])
        frame = self.frame_pb2.Frame(version=1, receiver_incarnation=1)
        envelope = frame.envelope
        envelope.message_id = message_id
        envelope.trace_id = "bb-north-1"
        envelope.sender = key_of
        envelope.sequence = 1
        envelope.sent_at_h = 1
        frame.arrival_h = 1.5
        envelope.attempt = 1
        envelope.handoff = f"{key_of}->{to}"
        envelope.report.CopyFrom(report)
        socket.send(frame.SerializeToString())
        socket.close()  # Lingers until the frame is out.
        print(f"{key_of} -> {to}: {message_id}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=pathlib.Path)
    parser.add_argument("attack", choices=["refused", "signed"])
    parser.add_argument("--proto-out", type=pathlib.Path, required=True)
    args = parser.parse_args()
    sys.path.insert(0, str(args.proto_out))
    from tearline.v1 import frame_pb2, report_pb2  # Generated by protoc from proto/.

    insider = Insider(args.run_dir, report_pb2, frame_pb2)
    if not insider.nodes.get("live"):
        print("python_insider: the run is not live", file=sys.stderr)
        return 1
    if args.attack == "refused":
        insider.send("unit.south", "broker", "py-1", insider.warning("py-1", "agency.bb"))
        altered = insider.warning("py-2", "agency.bb", signer="agency.bb")
        altered.window.start_h = 150
        insider.send("broker", "unit.north", "py-2", altered)
        insider.send("agency.aa", "agency.bb", "py-3",
                     insider.warning("py-3", "agency.aa", signer="agency.aa"))
    else:
        insider.send("broker", "unit.north", "py-signed",
                     insider.warning("py-signed", "agency.bb", signer="agency.bb"))
    insider.context.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
