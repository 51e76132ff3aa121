# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
"""python3-irqcap: ctypes binding of libirqcap.so.1 (pure Python)."""

import re
from pathlib import Path

from setuptools import setup

here = Path(__file__).resolve().parent
hdr = here.parent / "tools/include/irqcap/irqcap.h"
m = re.search(r'#define LIBIRQCAP_VERSION\s+"([^"]+)"', hdr.read_text()) if hdr.exists() else None

setup(
    name="irqcap",
    version=m.group(1) if m else "1.0",
    description="Read timestamped interrupt records from irqcap devices (libirqcap binding)",
    long_description=(here / "README.md").read_text(),
    long_description_content_type="text/markdown",
    license="LGPL-2.1-or-later OR MIT",
    packages=["irqcap"],
    package_data={"irqcap": ["py.typed"]},
    python_requires=">=3.9",
    zip_safe=False,
)
