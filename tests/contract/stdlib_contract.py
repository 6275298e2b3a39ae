"""An import-linter contract type: these modules import only the standard library and themselves.

Used for ``calliope_lib.protocol`` (bytes in, events out): nothing else of ours, no pyserial,
no numpy, so the parser can be fuzzed, benchmarked and one day run in a browser. The
contracts themselves are in ``pyproject.toml`` (``[tool.importlinter]``).
"""

from __future__ import annotations

import sys

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class StandardLibraryOnlyContract(Contract):
    """``modules``: packages whose modules may import only the standard library and themselves.

    Needs ``include_external_packages = True`` so third-party imports are in the graph.
    """

    type_name = "standard_library_only"

    modules = fields.ListField(subfield=fields.ModuleField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        bad: list[dict[str, object]] = []
        for package in self.modules:  # type: ignore[attr-defined]
            inside = {package.name} | graph.find_descendants(package.name)
            for importer in sorted(inside):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    top = imported.split(".")[0]
                    if imported in inside or top in sys.stdlib_module_names:
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    bad.append({"importer": importer, "imported": imported,
                                "lines": [d["line_number"] for d in details]})
        return ContractCheck(kept=not bad, metadata={"bad": bad})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["bad"]:
            lines = ", ".join(f"l.{n}" for n in item["lines"])
            output.print_error(f"{item['importer']} imports {item['imported']} ({lines}): "
                               "only the standard library is allowed here", bold=False)
            output.new_line()
