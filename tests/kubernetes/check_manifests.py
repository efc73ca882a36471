#!/usr/bin/env python3
"""Checks packaging/kubernetes offline: every object valid against the Kubernetes schemas (validate_k8s.js over the
npm package kubernetes-models, unknown fields refused), then what the schemas cannot say: the Job is Indexed with
completions == parallelism == PARTITIONS and passes JOB_COMPLETION_INDEX to --partition and to a per-worker state
file on the PVC, the CronJob forbids concurrent runs and runs the Job's spec unchanged, the image's security context
(uid 1000, non-root, read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp), resources,
the config Secret mounted read-only, and kustomization.yaml lists every manifest. Then it proves both halves can
fail: broken copies (a string where an integer goes, an unknown field, a dropped readOnlyRootFilesystem, a Parallel
CronJob) must each be refused.
Usage: check_manifests.py MANIFEST_DIR MODULES_DIR WORK_DIR"""
import copy
import json
import pathlib
import subprocess
import sys

import yaml

here = pathlib.Path(__file__).resolve().parent


def load(manifest_dir):
    """{file name: [documents]} of every *.yaml in the folder."""
    return {p.name: [d for d in yaml.safe_load_all(p.read_text()) if d] for p in sorted(manifest_dir.glob("*.yaml"))}


def schema_problems(files, modules, work, tag):
    """validate_k8s.js over the API objects of `files`; returns (exit code, output)."""
    docs = [{"file": f, "doc": d} for f, ds in files.items() for d in ds if d.get("kind") != "Kustomization"]
    path = work / f"objects-{tag}.json"
    path.write_text(json.dumps(docs))
    run = subprocess.run(["node", str(here / "validate_k8s.js"), str(modules), str(path)],
                         capture_output=True, text=True)
    return run.returncode, run.stdout + run.stderr


def one(files, kind):
    found = [d for ds in files.values() for d in ds if d.get("kind") == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def check_pod(pod, where, claim, secret):
    """The pod template of a sync worker: security context, resources, command, mounts."""
    spec = pod["spec"]
    assert spec.get("restartPolicy") == "Never", f"{where}: restartPolicy Never (podFailurePolicy needs it)"
    psc = spec.get("securityContext", {})
    (c,) = [c for c in spec["containers"] if c["name"] == "sync"]
    csc = c.get("securityContext", {})
    effective = lambda key: csc.get(key, psc.get(key))
    assert effective("runAsUser") == 1000, f"{where}: runAsUser 1000 (the image's user)"
    assert effective("runAsNonRoot") is True, f"{where}: runAsNonRoot"
    assert csc.get("readOnlyRootFilesystem") is True, f"{where}: readOnlyRootFilesystem"
    assert csc.get("allowPrivilegeEscalation") is False, f"{where}: allowPrivilegeEscalation false"
    assert csc.get("capabilities", {}).get("drop") == ["ALL"], f"{where}: capabilities drop ALL"
    seccomp = csc.get("seccompProfile", psc.get("seccompProfile", {}))
    assert seccomp.get("type") == "RuntimeDefault", f"{where}: seccompProfile RuntimeDefault"
    for k in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(c.get("resources", {}).get(k, {})), f"{where}: resources.{k} cpu and memory"
    line = " ".join(c.get("command", []) + c.get("args", []))
    assert '--partition "$JOB_COMPLETION_INDEX/$PARTITIONS"' in line, f"{where}: --partition from JOB_COMPLETION_INDEX"
    assert '--state-file "/state/' in line and "$JOB_COMPLETION_INDEX-of-$PARTITIONS" in line, \
        f"{where}: a per-worker --state-file on the state volume"
    env = {e["name"]: e.get("value") for e in c.get("env", [])}
    mounts = {m["name"]: m for m in c.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    assert mounts["config"].get("readOnly") is True, f"{where}: the config Secret mounted read-only"
    assert volumes["config"]["secret"]["secretName"] == secret, f"{where}: config from Secret {secret}"
    assert mounts["state"]["mountPath"] == "/state", f"{where}: state volume at /state"
    assert volumes["state"]["persistentVolumeClaim"]["claimName"] == claim, f"{where}: state on PVC {claim}"
    assert "emptyDir" in volumes[mounts["tmp"]["name"]], f"{where}: a writable /tmp (emptyDir)"
    return env


def check_job_spec(spec, where, claim, secret):
    assert spec.get("completionMode") == "Indexed", f"{where}: completionMode Indexed"
    n = spec.get("completions")
    assert isinstance(n, int) and n >= 1 and spec.get("parallelism") == n, f"{where}: completions == parallelism"
    env = check_pod(spec["template"], where, claim, secret)
    assert env.get("PARTITIONS") == str(n), f"{where}: PARTITIONS ({env.get('PARTITIONS')}) == completions ({n})"
    assert spec.get("backoffLimit", 6) >= 1, f"{where}: a failed worker is retried (backoffLimit >= 1)"
    rules = spec.get("podFailurePolicy", {}).get("rules", [])
    assert any(r["action"] == "FailJob" and 2 in r.get("onExitCodes", {}).get("values", []) for r in rules), \
        f"{where}: a usage error (exit 2) fails the Job at once"


def check_semantics(files):
    """AssertionError naming what is missing, else None."""
    secret = one(files, "Secret")["metadata"]["name"]
    claim = one(files, "PersistentVolumeClaim")["metadata"]["name"]
    job = one(files, "Job")
    check_job_spec(job["spec"], "Job", claim, secret)
    cron = one(files, "CronJob")
    assert cron["spec"].get("concurrencyPolicy") == "Forbid", "CronJob: concurrencyPolicy Forbid"
    assert cron["spec"]["jobTemplate"]["spec"] == job["spec"], "CronJob: jobTemplate.spec must equal the Job's spec"
    data = one(files, "Secret").get("stringData", {})
    assert "connection.json" in data, "Secret: connection.json"
    assert all("CHANGE-ME" in v for k, v in data.items() if k != "connection.json"), \
        "Secret: example values are CHANGE-ME placeholders"
    kust = one(files, "Kustomization")
    assert sorted(kust["resources"]) == sorted(f for f in files if f != "kustomization.yaml"), \
        "kustomization.yaml: resources must list every manifest"


def broken_copies(files):
    """(what, files) pairs that must each be refused, by the schemas or by check_semantics."""
    def edited(fn):
        c = copy.deepcopy(files)
        fn(c)
        return c
    job = lambda c: one(c, "Job")
    sync = lambda c: job(c)["spec"]["template"]["spec"]["containers"][0]
    return [
        ("schema", "completions as a string",
         edited(lambda c: job(c)["spec"].__setitem__("completions", "3"))),
        ("schema", "an unknown field (securityContext.runAsUSER)",
         edited(lambda c: sync(c)["securityContext"].__setitem__("runAsUSER", 1000))),
        ("schema", "an unknown field at the top of the Job spec",
         edited(lambda c: job(c)["spec"].__setitem__("completionsMode", "Indexed"))),
        ("semantics", "readOnlyRootFilesystem removed",
         edited(lambda c: sync(c)["securityContext"].pop("readOnlyRootFilesystem"))),
        ("semantics", "CronJob concurrencyPolicy Allow",
         edited(lambda c: one(c, "CronJob")["spec"].__setitem__("concurrencyPolicy", "Allow"))),
        ("semantics", "parallelism differs from completions",
         edited(lambda c: job(c)["spec"].__setitem__("parallelism", 2))),
    ]


def main():
    manifest_dir, modules, work = (pathlib.Path(a) for a in sys.argv[1:4])
    files = load(manifest_dir)
    failures = []
    code, out = schema_problems(files, modules, work, "shipped")
    print(out, end="")
    if code != 0:
        failures.append("the shipped manifests are not valid Kubernetes objects (lines above)")
    try:
        check_semantics(files)
        print("semantics: Indexed Job, Forbid CronJob, security context, per-worker state, Secret, PVC: ok")
    except AssertionError as e:
        failures.append(f"semantics: {e}")
    for i, (layer, what, broken) in enumerate(broken_copies(files)):
        if layer == "schema":
            code, out = schema_problems(broken, modules, work, f"broken-{i}")
            refused = code != 0 and "INVALID" in out
            why = next((l for l in out.splitlines() if l.startswith("INVALID")), out.strip())
        else:
            try:
                check_semantics(broken)
                refused, why = False, "accepted"
            except AssertionError as e:
                refused, why = True, str(e)
        print(f"negative ({layer}): {what}: {'refused' if refused else 'NOT REFUSED'}: {why}")
        if not refused:
            failures.append(f"a broken manifest passed: {what}")
    for f in failures:
        print(f"FAIL: {f}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
