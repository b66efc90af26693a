"""The GPU and software as the driver and PyTorch report them, as JSON on stdout: the memory figures
(nvidia-smi's memory.total in MiB, torch's total_memory and mem_get_info in bytes), clocks, driver and
library versions. Reads only; changes no setting."""

import json
import subprocess

import torch
import triton


def smi(fields):
    out = subprocess.run(["nvidia-smi", f"--query-gpu={fields}", "--format=csv,noheader,nounits"],
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()[0]
    return dict(zip(fields.split(","), (v.strip() for v in out.split(","))))


def main():
    props = torch.cuda.get_device_properties(0)
    free, total = torch.cuda.mem_get_info()
    info = {
        "nvidiaSmi": smi("name,memory.total,clocks.max.sm,clocks.max.memory,clocks.sm,clocks.mem,driver_version,power.limit"),
        "nvidiaSmiUnits": "memory.total MiB, clocks MHz, power.limit W",
        "torch": torch.__version__, "cuda": torch.version.cuda, "triton": triton.__version__,
        "deviceName": props.name, "multiProcessors": props.multi_processor_count,
        "totalMemoryBytes": props.total_memory, "totalMemoryMiB": props.total_memory / 2 ** 20,
        "memGetInfoBytes": {"free": free, "total": total},
    }
    print(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()
