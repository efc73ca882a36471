#!/usr/bin/env python3
"""Turns the Indexed Job of packaging/kubernetes into what `podman kube play` (4.3, which runs no Jobs) can run: one
Pod per completion index, each the Job's pod template unchanged but for what a Job controller and a cluster would
add or what podman 4.3 cannot do:
- env JOB_COMPLETION_INDEX = the pod's index (the Job controller sets it) and PARTITIONS = N;
- the image: the one loaded from the OCI archive;
- the config Secret volume becomes a read-only hostPath folder holding the same files: podman 4.3 mounts a Secret
  volume's `stringData` keys not at all and its `data` keys still base64-encoded (measured; fixed in later podmans);
- a hostPath /data per pod for the test's destination folder (dest_jsonl locks its folder: one per worker);
- the PVC is declared with podman's volume.podman.io/uid|gid annotations (podman ignores fsGroup);
- an emptyDir gets a name of its own per pod: podman 4.3 makes it a named volume, shared by every pod of the name.
Usage: job_to_pods.py JOB_YAML N IMAGE CONFIG_DIR DATA_DIR_PREFIX NAME_SUFFIX [INDEX ...] > pods.yaml
       (the PVC and every index's Pod; with INDEXes, only those Pods: kube play refuses a PVC whose volume exists)"""
import copy
import sys

import yaml


def pvc(name):
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": name, "annotations": {"volume.podman.io/uid": "1000", "volume.podman.io/gid": "1000"}},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}


def pod(job, index, n, image, config_dir, data_dir, suffix):
    template = copy.deepcopy(job["spec"]["template"])
    spec = template["spec"]
    (c,) = [c for c in spec["containers"] if c["name"] == "sync"]
    c["image"] = image
    c["env"] = [e for e in c.get("env", []) if e["name"] != "PARTITIONS"] + [
        {"name": "PARTITIONS", "value": str(n)}, {"name": "JOB_COMPLETION_INDEX", "value": str(index)}]
    c["volumeMounts"].append({"name": "data", "mountPath": "/data"})
    for v in spec["volumes"]:
        if "emptyDir" in v:
            for m in c["volumeMounts"]:
                m["name"] = f"{v['name']}{suffix}-{index}" if m["name"] == v["name"] else m["name"]
            v["name"] = f"{v['name']}{suffix}-{index}"
        if "secret" in v:
            v.pop("secret")
            v["hostPath"] = {"path": config_dir, "type": "Directory"}
        if "persistentVolumeClaim" in v:
            v["persistentVolumeClaim"]["claimName"] += suffix
    spec["volumes"].append({"name": "data", "hostPath": {"path": f"{data_dir}{index}", "type": "Directory"}})
    meta = dict(template.get("metadata", {}), name=f"{job['metadata']['name']}{suffix}-{index}")
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def main():
    job_yaml, n, image, config_dir, data_dir, suffix, *indexes = sys.argv[1:]
    job = yaml.safe_load(open(job_yaml))
    volumes = job["spec"]["template"]["spec"]["volumes"]
    (claim,) = [v["persistentVolumeClaim"]["claimName"] for v in volumes if "persistentVolumeClaim" in v]
    docs = [] if indexes else [pvc(claim + suffix)]
    for i in (indexes or range(int(n))):
        docs.append(pod(job, int(i), int(n), image, config_dir, data_dir, suffix))
    yaml.safe_dump_all(docs, sys.stdout, sort_keys=False)


if __name__ == "__main__":
    main()
