"""The English of every message a planner can meet when a file or an input cannot be used: ``error.<code>``.

One table, registered with :mod:`geo.messages` on its import (a code registered twice is
refused): the domain errors all live in :mod:`geo.errors`, so their words live here, beside
them, for every room that raises them (geo's readers and validators, the layers' and the
model's table readers, rasters, scenario files). The raise sites build
``msg = Note("error.<code>", ...)`` and ``raise SomeError(msg)``: ``str(exc)`` is the
English below, word for word, and ``exc.args[0]`` keeps the code and values, so
:func:`outputs.messages.render_error` says it in Chinese (``outputs/text/errors.py``).
File names, option names (``--od``), column names and numbers are values and stay as given.
"""
from __future__ import annotations

__all__ = ["ERRORS"]

_SAVE_AS = "in Excel choose File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)' and use that file"

#: code -> English template of every coded error message.
ERRORS: dict[str, str] = {
    # --- lists of problems (geo.errors.LayerValidationError)
    "error.layer": "{layer} has {n} problem(s):{problems:*}",
    "error.label.exclusion": "{name} {file!r}",
    "error.word.exclusion_areas": "exclusion areas",
    "error.word.upload": "upload",
    "error.word.vector_file": "the vector file",
    "error.word.the_csv": "the CSV",
    "error.word.buffer": "(a file-like buffer)",
    "error.quoted": "{name!r}",
    "error.named": "{name} {file}",
    # --- files and their sizes (geo.validate)
    "error.file.unreadable": "{name} could not be read: {reason}; check the file name",
    "error.file.folder": "{name} is a folder, not a file; give the file inside it",
    "error.file.not_regular": "{name} is not a regular file (a pipe, device or socket); save the data to a file and give that",
    "error.file.too_big": "{name} is {size}, more than the {limit} allowed; give a smaller extract",
    "error.file.read_failed": "{name} could not be read ({reason}); check the file",
    "error.file.over_cap": "{name} is more than the {limit} allowed; give a smaller extract",
    "error.csv.empty": "{name} is empty: expected {expected}; save the table as 'CSV UTF-8' from Excel",
    "error.expected.capability": "a header row with columns adcode, stage, value (or adcode and one column per stage)",
    "error.expected.od": "a header row with columns origin, destination, cost (or a square matrix with an adcode header)",
    "error.expected.od-hours": ("a header row with columns origin, destination, cost, the cost in hours (or a square "
                                "matrix with an adcode header)"),
    "error.expected.site": "a header row with columns adcode, site (0 = unsuitable .. 1 = best)",
    "error.expected.chain": "a header row with columns supplier, customer, weight, note",
    "error.expected.evidence": ("a header row with columns place, adcode, level, stages, measure, value, unit, year, "
                                "source, quality"),
    "error.expected.ahp": "a header row of criteria (the components) and one row per criterion",
    "error.expected.room-csv": "a header row with columns destination, room",
    "error.expected.any": "a header row naming its columns and one row per record",
    "error.keys.repeated": "{name} names {keys:@} more than once; give each once",
    "error.keys.one": "{key!r}",
    "error.keys.values": "{key!r} (values {values})",
    # --- exclusion areas (geo.validate.validate_exclusion_areas)
    "error.exclusion.not_frame": "{name} must be a GeoDataFrame of polygons, got {got}",
    "error.exclusion.no_crs": ("no coordinate system (CRS): a shapefile needs its .prj; add it, or set the CRS in QGIS "
                               "(Layer > Set CRS) and save again"),
    "error.exclusion.no_features": "holds no features; export the exclusion polygons themselves",
    "error.exclusion.no_geometry": "{n} feature(s) have no geometry, e.g. rows {rows}; delete them or draw their polygons",
    "error.exclusion.nonfinite": ("{n} feature(s) have coordinates that are not finite numbers (NaN or infinite), "
                                  "e.g. rows {rows}; fix or delete those vertices"),
    "error.exclusion.no_polygons": ("holds no polygons: {n} feature(s) are {kinds} (points and lines cover no area), "
                                    "e.g. rows {rows}; give the exclusion polygons, e.g. a zipped shapefile or a "
                                    "GeoPackage of the red line"),
    "error.exclusion.some_not_polygons": (
        "has features that are not polygons: {n} feature(s) are {kinds} (points and lines cover no area), e.g. rows "
        "{rows}; give the exclusion polygons, e.g. a zipped shapefile or a GeoPackage of the red line"),
    "error.exclusion.invalid": ("{n} invalid polygon(s), e.g. rows {rows}: {reasons}; repair them with QGIS 'Fix "
                                "geometries' and check what they cover (they are not repaired here: a repaired ring "
                                "can cover nothing)"),
    "error.exclusion.swapped": (
        "{n} of {total} feature(s) lie wholly outside Guangdong {bbox}, e.g. rows {rows}; latitude and longitude look "
        "swapped (x holds latitudes near 23, y longitudes near 113); swap the columns or fix the axis order and save "
        "again"),
    "error.exclusion.not_degrees": (
        "{n} of {total} feature(s) have coordinates that are not degrees (e.g. {x}, {y}) though the file says {crs}, "
        "e.g. rows {rows}: projected metres in a file without its coordinate system? Save it with its real CRS (e.g. "
        "EPSG:4547) or in longitude/latitude (EPSG:4326)"),
    "error.exclusion.outside": (
        "{n} of {total} feature(s) lie wholly outside Guangdong {bbox}, e.g. rows {rows}; check the coordinate system "
        "(a projected CRS read as degrees? data of another region?)"),
    # --- zip uploads (geo.upload)
    "error.zip.unreadable": ("{name} is not a readable zip archive: it is damaged or truncated ({err}); zip the files "
                             "again and re-upload"),
    "error.zip.members": "{name} holds {n} entries, more than the {limit} allowed; zip only the layer's files",
    "error.zip.unsafe": ("zip entry {entry!r} is unsafe (absolute path, '..' or link); re-create the archive with plain "
                         "relative names"),
    "error.zip.too_big": "{name} unpacks to {size}, more than the {limit} allowed; upload a smaller extract",
    "error.zip.lied": ("{name} unpacks to more than the {limit} allowed (its headers claim {size}); upload a smaller "
                       "extract"),
    "error.zip.damaged": ("{name} is not a readable zip archive: entry {entry!r} is damaged ({kind}: {err}); zip the "
                          "files again and re-upload"),
    "error.zip.shp_parts": ("{name}: the shapefile {shp} is missing its {parts} part(s); zip all parts together (.shp, "
                            ".shx, .dbf, .prj, .cpg)"),
    "error.zip.no_prj": "{name}: {shp} has no .prj, so its coordinate system is unknown; add the .prj to the zip",
    "error.zip.no_vector": "{name}: the zip holds no vector file (.shp, .gpkg, .geojson); check what was zipped",
    "error.upload.too_big": "{name} is {size}, more than the {limit} allowed; clip it to Guangdong first",
    "error.upload.suffix": ("{name}: files ending {suffix} are not accepted; upload a zipped shapefile, a GeoPackage "
                            "or a GeoJSON"),
    "error.upload.no_suffix": "'(no suffix)'",
    # --- vector files (geo.io)
    "error.vector.too_big": ("{name} is {size} MB with its parts, more than the {limit} MB allowed; clip it to "
                             "Guangdong or simplify it first"),
    "error.vector.missing": "`path` does not exist: {path}; check the file name",
    "error.vector.unreadable": "could not read {name}: {err}",
    "error.vector.unreadable_layer": "could not read {name} layer {layer!r}: {err}",
    "error.vector.no_geometry": ("{name} holds no geometry (a table, not a map layer); give a GeoPackage, a zipped "
                                 "Shapefile or a GeoJSON"),
    "error.vector.no_crs": ("{name} has no CRS: the file carries no projection (a shapefile needs its .prj); add one or "
                            "set it with `gdf.set_crs(...)`"),
    "error.layer.no_crs": "no CRS: set one with `set_crs` or add a .prj to the file",
    "error.layer.crs": "CRS is {crs}, expected EPSG:4326; reproject with `to_crs(4326)`",
    "error.layer.column_missing": "column {col!r} is missing",
    "error.layer.column_empty": "column {col!r} has {n} empty value(s), e.g. rows {rows}",
    "error.layer.column_dups": "column {col!r} has duplicates: {dups}",
    "error.layer.no_geometry": "{n} feature(s) have no geometry, e.g. rows {rows}",
    "error.layer.empty_geometry": "{n} feature(s) have an empty geometry, e.g. rows {rows}",
    "error.layer.invalid": ("{n} invalid geometr(ies), e.g. rows {rows}: {reasons}; repair with `shapely.make_valid` or "
                            "QGIS 'Fix geometries'"),
    "error.layer.types": "{n} feature(s) of type {types}, expected {expected}",
    "error.layer.outside": ("{n} feature(s) lie outside Guangdong {bbox}, e.g. rows {rows}; check the coordinates "
                            "(longitude/latitude swapped? a projected CRS read as degrees?)"),
    # --- CSV text (geo.io)
    "error.csv.unreadable": "{name} could not be read: {err}; check the file name",
    "error.csv.source": "{name} must be a file name, an open file or bytes; got {got}; pass the CSV's path",
    "error.csv.returned": "{name} returned {got} when read, not text or bytes; pass the CSV's path or an io.BytesIO",
    "error.csv.nul": ("{name} holds NUL characters: it is not a text CSV (UTF-16 'Unicode Text', a workbook or a "
                      "binary file?); " + _SAVE_AS),
    "error.csv.encoding": "{name} is neither UTF-8 nor GB18030/GBK text (byte {byte}: {reason}); " + _SAVE_AS,
    "error.csv.encoding.utf16": ("{name} is neither UTF-8 nor GB18030/GBK text (byte {byte}: {reason}); it looks like "
                                 "UTF-16 (Excel's 'Unicode Text'), which is not a CSV; " + _SAVE_AS),
    "error.csv.encoding.zip": ("{name} is neither UTF-8 nor GB18030/GBK text (byte {byte}: {reason}); it looks like an "
                               "Excel workbook (.xlsx) or another zip file, not a CSV; " + _SAVE_AS),
    "error.csv.no_table": ("{name} is empty: expected a header row naming its columns and one row per record; save the "
                           "table as 'CSV UTF-8' from Excel"),
    "error.csv.unparsable": ("{name} is not a readable CSV table ({err}); every row needs as many commas as the header: "
                             "put text holding commas in double quotes, or save it again from Excel"),
    "error.csv.tokenize": "Error tokenizing data. C error: Expected {expected} fields in line {line}, saw {saw}",
    # --- the planner's capability table (analysis.capability.read_capability_csv)
    "error.word.capability_stats": "capability statistics",
    "error.adcode.are_city": "{codes} are city codes: pass level='city' or give county codes",
    "error.adcode.are_county": ("{codes} are county codes: pass level='county' or sum them to their city (first 4 "
                                "digits + '00')"),
    "error.adcode.unknown": (
        "unknown {level} adcode(s) {codes}{more}; valid codes are 6-digit strings such as {examples} - the full list is "
        "layers.boundaries.load_boundaries({level!r})[['adcode', 'name_zh']] (see data/boundaries/README.md)"),
    "error.adcode.unknown.hint": (
        "unknown {level} adcode(s) {codes}{more}; {hint}; valid codes are 6-digit strings such as {examples} - the "
        "full list is layers.boundaries.load_boundaries({level!r})[['adcode', 'name_zh']] (see data/boundaries/README.md)"),
    "error.capability.empty": ("`path_or_buffer` is empty; expected a CSV with columns adcode, stage, value (or adcode "
                               "plus one column per stage)"),
    "error.capability.no_adcode": ("`path_or_buffer` has no 'adcode' column (columns: {header}); expected long form "
                                   "adcode, stage, value or wide form adcode plus one column per stage"),
    "error.capability.nonnumeric": "value(s) that are not finite numbers: {values} in data row(s) {rows}",
    "error.capability.negative": "negative value(s) {values} in data row(s) {rows}; statistics must be >= 0",
    "error.capability.huge": ("value(s) {values} in data row(s) {rows} are larger than any statistic; values must be at "
                              "most {limit:g} (check the unit)"),
    "error.capability.stages": "unknown stage(s) {stages}; valid stages: {valid:@}",
    "error.capability.dup_pairs": "duplicated unit/stage pair(s) {pairs}; give each unit and stage once",
    "error.capability.stage_columns": "unknown stage column(s) {columns}; valid stages: {valid:@}",
    "error.capability.dup_columns": "stage(s) given in more than one column: {dups}; keep one column per stage",
    "error.capability.dup_rows": "duplicated adcode row(s) {codes}; give each unit once",
    "error.capability.no_stages": "no stage columns; add one column per stage (e.g. apparel, dyeing)",
    "error.capability.in_column": "column {column!r}: {problem}",
    # --- the planner's OD matrix (analysis.network.read_od_matrix)
    "error.word.od": "OD matrix",
    "error.od.no_rows": ("`path_or_buffer` holds no rows; expected columns origin, destination, cost or a square matrix "
                         "with an adcode header"),
    "error.od.dup_header": "destination column(s) repeated in the header: {columns}",
    "error.od.unknown": "unknown unit code(s) {codes}; expected the codes of `units`, e.g. {examples}",
    "error.od.nonnumeric": "cost(s) that are not finite numbers: {values}",
    "error.od.negative": "negative cost(s) {values}; costs must be >= 0",
    "error.od.dup_pairs": "pair(s) given more than once: {pairs}",
    "error.od.missing": "{n} origin-destination pair(s) missing, e.g. {examples}; give a cost for every ordered pair",
    # --- the planner's site values (analysis.inputs.read_site_csv)
    "error.site.label": "site CSV {file} (`path`)",
    "error.site.other_level": " ({codes} are {other} codes: use --level {other} or give {level} codes)",
    "error.site.unknown": (
        "unknown {level} adcode(s) {codes}{more}{hint}; valid {level} codes are 6-digit strings such as {examples} "
        "(full list: layers.boundaries.load_boundaries({level!r})[['adcode', 'name_zh']])"),
    "error.site.unparsable": "`path` {name!r} is not a UTF-8 CSV with a header adcode,site: {err}; save it as 'CSV UTF-8'",
    "error.site.columns": "missing column(s) {missing} (found {found}); the header must be adcode,site",
    "error.site.no_adcode": "data row(s) {rows} have no adcode",
    "error.site.dups": "adcode(s) {codes} appear more than once; give one row per unit",
    "error.site.nonnumeric": "site value(s) {values} in data row(s) {rows} are not numbers; write a number from 0 to 1",
    "error.site.outside": ("site value(s) {values} in data row(s) {rows} are outside 0..1; rescale to 0 (unsuitable) .. "
                           "1 (best)"),
    "error.site.no_rows": ("no data rows; give one row adcode,site per unit (units left out keep the neutral "
                           "placeholder)"),
    # --- the planner's chain weights (analysis.chain.read_chain_edges)
    "error.word.chain": "chain edges",
    "error.chain.columns": ("`path_or_buffer` must have columns {columns}; missing {missing} (found {found}); add them, "
                            "one row per supplier -> customer edge"),
    "error.chain.stages": "unknown {col} stage(s) {stages} in row(s) {rows}; valid stages: {valid:@}",
    "error.chain.nonnumeric": "weight is not a finite number in row(s) {rows}: {values}",
    "error.chain.negative": "negative weight in row(s) {rows}: {values}; weights are shares >= 0",
    "error.chain.self": "a stage supplies itself in row(s) {rows}; drop those rows",
    "error.chain.dups": "duplicated edge(s) {pairs}; keep one row per supplier -> customer",
    "error.chain.no_note": "empty note in row(s) {rows}; give the source or reasoning of each weight",
    "error.chain.sums": ("the shares of each customer's suppliers must sum to 1 (within {tolerance:g}); they do not for "
                         "{detail}; rescale those rows"),
    "error.join.semicolon": "{head}; {tail}",
    # --- the planner's tables of rows with ids (layers._evidence_checks: evidence, places, cases)
    "error.table.unparsable": "{name} is not a readable CSV ({err}); check the quoting of commas in text cells",
    "error.table.unreadable": "{name} could not be read as a CSV table ({err}); save it as 'CSV UTF-8' and retry",
    "error.table.dup_columns": "{name} repeats column(s) {columns}; keep one of each",
    "error.table.columns": "missing column(s) {missing}; the table needs {required:@}",
    "error.table.columns.optional": "missing column(s) {missing}; the table needs {required:@} (optional: {optional:@})",
    "error.table.id_empty": "column 'id' is empty in {n} row(s): {rows}; give each row a snake_case id",
    "error.table.id_form": "id must be snake_case (a-z, 0-9, _; starting with a letter): {rows}",
    "error.table.id_dups": "id not unique: {ids}",
    "error.table.text_empty": "column {col!r} is empty in {n} row(s): {rows}",
    "error.table.vocab": "column {col!r} holds {values} in rows {rows}; use one of: {allowed:@}",
    "error.table.vocab.blank": "column {col!r} holds {values} in rows {rows}; use one of: {allowed:@} (or leave it blank)",
    "error.table.number_empty": "column {col!r} is empty in {n} row(s): {rows}; a number is needed",
    "error.table.number_form": "column {col!r} is not a finite number in rows {rows}; write digits only, e.g. 480 or 7.93",
    "error.table.number_low": "column {col!r} must be {bound}: {rows}",
    "error.table.number_whole": "column {col!r} must be a whole number: {rows}",
    "error.table.county_hint": ("valid codes are the 124 county-level adcodes of "
                                "layers.boundaries.load_boundaries('county'), e.g. 441802 Qingcheng"),
    "error.table.county_under": "under {city}: {codes}",
    "error.table.county_codes": "valid county-level adcodes {parts}",
    "error.table.city_hint": "valid city adcodes: {cities}",
    "error.table.adcode_empty": "column {col!r} is empty in {n} row(s): {rows}; a 6-digit adcode is needed",
    "error.table.adcode_form": ("column {col!r} must hold 6-digit adcode strings (in a spreadsheet, format the column as "
                                "text): {rows}"),
    "error.table.adcode_form.multi": ("column {col!r} must hold 6-digit adcode strings separated by ; (in a spreadsheet, "
                                      "format the column as text): {rows}"),
    "error.table.adcode_unknown": "column {col!r}: unknown {level} adcode(s) {codes} in rows {rows}; {hint}",
    "error.table.county_city": "column {col!r}: county not under the row's {city_col}: {shown}",
    "error.table.stages_empty": "column {col!r} is empty in rows {rows}; name at least one stage id: {valid:@}",
    "error.table.stages_unknown": "column {col!r}: unknown stage(s) {stages} in rows {rows}; use ids from: {valid:@}",
    "error.table.year_form": ("column 'year' must be a year like 2021 or a span like 2017-2018 (or blank if not stated): "
                              "{rows}"),
    "error.table.year_backwards": "column 'year': a span must run forwards (2017-2018): {rows}",
    "error.table.year_range": "column 'year' out of range 1949-2100: {rows}",
    # --- the planner's evidence table (layers.evidence.read_evidence_csv)
    "error.word.evidence": "evidence table",
    "error.evidence.no_rows": ("{name} has no rows; add one row per figure (adcode, level, stages, measure, value, unit, "
                               "year, source, quality)"),
    "error.evidence.unit": "unit does not fit the measure: {shown:[]}",
    "error.evidence.unit_one": "{id}: {measure} in {unit!r}, use {allowed}",
    "error.evidence.mention": "a 'mention' row has no value (put figures in their own measure): {rows}",
    # --- amounts and weights (analysis.weights)
    "error.amount.nan": "{key}={value} is not a number",
    "error.amount.negative": "{key}={value} must be a finite number >= 0",
    "error.amount.huge": "{key}={value:g} is more than the largest amount accepted, at most {limit:g}",
    "error.amounts": "`{name}` is not usable: {problems}; give each a finite number >= 0",
    "error.weights.unknown": "unknown component(s) {names}; use {components}",
    "error.weights.zero": "all weights are zero; give at least one component a positive weight",
    "error.weights": "`weights` are not usable: {problems}",
    "error.weights.no_equals": "`weights` entry {part!r} has no '='; write component=value, e.g. 'upstream=0.3,policy=0.4'",
    "error.weights.nan": "`weights` entry {part!r}: {value!r} is not a number; write e.g. 'upstream=0.3'",
    # --- the AHP pairwise matrix (analysis.weights: ahp_weights, complete_reciprocal, read_ahp_csv)
    "error.ahp.labels": ("`matrix` rows {rows} and columns {columns} must name the same criteria in the same order; "
                         "reorder the columns"),
    "error.ahp.numbers": ("`matrix` must hold numbers only: {err}; write fractions as decimals (1/3 -> 0.3333) or use "
                          "read_ahp_csv"),
    "error.ahp.square": "`matrix` must be square (n x n), got shape {shape}; one row and one column per criterion",
    "error.ahp.too_many": "`matrix` has {n} criteria; Saaty's random index is tabled up to {limit}; group criteria",
    "error.ahp.positive": ("`matrix` must be positive: cell ({row}, {col}) = {value}; use Saaty's 1-9 scale and "
                           "reciprocals"),
    "error.ahp.reciprocal": ("`matrix` is not reciprocal: cell ({row}, {col}) = {a:g} but ({col}, {row}) = {b:g} "
                             "(product {product:g}, expected 1); set a[j, i] = 1 / a[i, j]"),
    "error.ahp.cell": "AHP CSV {where}: {text!r} is not a number or fraction; write 3, 0.5 or 1/3",
    "error.ahp.upper_square": "`upper` must be square (one row and one column per criterion), got shape {shape}",
    "error.ahp.where_cell": "cell ({row}, {col})",
    "error.ahp.where_line": "line {line}, column {col!r}",
    "error.ahp.judgement": "{where}: {value:g} must be a positive judgement (Saaty 1-9 or its reciprocal)",
    "error.ahp.bad_cells": "the pairwise matrix has bad cells: {problems}",
    "error.ahp.empty": "AHP CSV is empty; expected a header row of criteria and one row per criterion",
    "error.ahp.header": "AHP CSV header",
    "error.ahp.line_length": ("AHP CSV line {line} has {n} values, expected {expected} (one per criterion in the "
                              "header)"),
    "error.ahp.names": "AHP CSV row names {names} must equal the header {header}, in the same order",
    "error.csv.eof_in_string": "Error tokenizing data. C error: EOF inside string starting at row {row}",
    # --- rasters (geo.raster)
    "error.raster.missing": "raster {name!r} does not exist ({path}); check the file name",
    "error.raster.not_regular": ("raster {name!r} is not a regular file (a pipe, device or folder); save the raster to a "
                                 "file and give that"),
    "error.raster.unreadable": "raster {name!r} is not a raster GDAL can read ({err}); save it as a GeoTIFF",
    "error.raster.cells": ("it has {cells:,} cells ({width} x {height}), more than the limit of {limit:,}; clip it to "
                           "Guangdong first (e.g. `gdalwarp -te_srs EPSG:4326 -te 109.3 20.1 117.4 25.6 IN OUT`) or "
                           "coarsen it"),
    "error.raster.band": "it has {count} band(s), band {band} was asked for; choose a band from 1 to {count}",
    "error.raster.dtype": "band {band} holds {dtype} values, expected numbers; export it as integer or float",
    "error.raster.no_crs": ("it has no CRS (coordinate reference system); assign one, e.g. `gdal_edit.py -a_srs "
                            "EPSG:4326 FILE` (or keep the .prj/.aux.xml beside it)"),
    "error.raster.transform": "its extent cannot be transformed to longitude/latitude ({err}); check its CRS",
    "error.raster.outside": (
        "it does not overlap Guangdong: its extent is lon {x0:.3f}..{x1:.3f}, lat {y0:.3f}..{y1:.3f} (Guangdong is lon "
        "{bx0}..{bx1}, lat {by0}..{by1}); check its CRS (a projected file labelled as degrees?) or choose a raster of "
        "Guangdong"),
    "error.raster.unusable": "raster {name!r} cannot be used: {problems}",
    "error.raster.resampling": "`resampling` must be one of {allowed}, got {got}",
    "error.raster.read": ("raster {name!r} could not be read onto the grid ({err}); check that it is a complete "
                          "GeoTIFF"),
    # --- scenarios (scenario.record, scenario.exchange, scenario.store)
    "error.more": "... and {n} more",
    "error.word.scenario_name": "scenario name",
    "error.name.type": "{what} must be text, got {got}",
    "error.name.empty": "{what} is empty; give it a name, e.g. 'dyeing to Jieyang 2024'",
    "error.name.long": "{what} is {n} characters long; the limit is {limit}: shorten it",
    "error.name.control": ("{what} holds {n} control or invisible character(s), e.g. {char} at position {position}; use "
                           "letters, digits, spaces and punctuation only"),
    "error.name.space": "{what} {text!r} starts or ends with a space; remove it",
    "error.store.did_you_mean": "did you mean {names}?",
    "error.store.list_names": "list the names with `scenario list`",
    "error.store.no_such": "no scenario named {name!r} in {path}; {hint}",
    "error.store.taken": ("a scenario named {name!r} already exists in {path}; choose another name, or replace it "
                          "(overwrite)"),
    "error.word.scenario_file": "the scenario file",
    "error.scenario_file.named": "scenario file {path}",
    "error.scenario_file.not_file": "{name} is not a file; give the .json file that `scenario export` wrote",
    "error.scenario_file.too_big": "{name} is {size:,} bytes; the limit is {limit:,}: keep large rasters by path",
    "error.scenario_file.missing": "{name} does not exist; check the path",
    "error.scenario_file.unreadable": "{name} cannot be read ({reason}); check its permissions",
    "error.scenario_file.bytes": "it is {size:,} bytes; the limit is {limit:,}",
    "error.scenario_file.not_utf8": ("it is not UTF-8 text (byte {byte}); a scenario file is the JSON that `scenario "
                                     "export` writes"),
    "error.scenario_file.not_json": ("it is not valid JSON ({err}: line {line} column {column}): cut short or edited by "
                                     "hand? Export it again"),
    "error.scenario_file.bad_json": "it is not valid scenario JSON: {err}",
    "error.scenario_file.unusable_json": "it is not usable JSON ({kind}: {err})",
    "error.scenario_file.in": "{name}: {err}",
    "error.json.dup_key": "key {key!r} appears twice in one object",
    "error.json.constant": "{token} is not a number JSON allows",
    "error.scenario.named": "scenario {name!r}",
    "error.link.damaged": "the view in the link is damaged (not URL-safe base64 JSON); copy the whole link again",
    # --- the allocation (analysis.allocation.allocate_capacity)
    "error.alloc.no_origins": "`origins` must give at least one origin with an amount > 0, e.g. {{'440118': 100}}",
    "error.alloc.no_room": "`room` must give at least one destination with its capacity, e.g. {{'445281': 60}}",
    "error.alloc.stage": "`fit` is for stage {fit_stage!r} but `stage` is {stage!r}; pass a fit of the same stage",
    "error.alloc.unknown": ("`room` names {names} which are neither candidate {level} units of this fit nor place ids; "
                            "use adcodes of East/West/North units or ids from the places layer"),
    "error.alloc.no_location": "no location for {names}; pass `points` for them",
    # --- the fit's inputs put together (analysis.inputs.load_fit_inputs, analysis.site_scores)
    "error.inputs": "fit inputs are not usable: {problems}",
    "error.inputs.capability_units": ("`capability` has unit(s) not in the {level} layer: {codes}; use 6-digit adcodes of "
                                      "{level} units"),
    "error.inputs.capability_values": "`capability` must hold numbers >= 0 in every cell; fill gaps with 0",
    "error.inputs.chain_stages": "`chain` names stage(s) {unknown} that the capability matrix lacks ({stages})",
    "error.inputs.cost_units": "`{label}` lacks unit(s) {codes} ({n} in all); give a row and a column for every unit",
    "error.inputs.designation_columns": "`designations` lacks column(s) {missing}; expected {expected}",
    "error.inputs.site_values": "`site` must hold values in 0..1 for every unit given",
    "error.site_scores.label": "site scores {name}",
    "error.site_scores.columns": "columns {missing} are missing (expected {expected})",
    "error.site_scores.values": "{col} must be blank or a number in 0..1; bad in data rows {rows}",
    "error.site_scores.dups": "(adcode, stage) repeated: {pairs}",
    # --- suitability options (scenario.suitability)
    "error.suit.resolution": "`--resolution` must be a cell size in metres such as 1000, 250 or 100, got {got}",
    "error.suit.coarse": ("`--resolution` {r:g} m is coarser than {limit:g} m, where small districts hold no cell; use "
                          "1000 (default), 250 or 100"),
    "error.suit.fine": ("`--resolution` {r:g} m is finer than {limit:g} m, the finest computed in memory (46 M cells for "
                        "the province); use 100, 250 or 1000, or compute chunk by chunk with --chunks 2048 (dask)"),
    "error.suit.criterion": ("`--criterion` must be NAME=FILE (e.g. slope_deg=slope.tif, or a new one with "
                             "noise_db=noise.tif,method=small,breakpoints=45;70,weight=0.1), got {got}"),
    "error.suit.criterion_key": "`--criterion {name}`: {item!r} is not key=value with a key from {keys}",
    "error.suit.criterion_number": "`--criterion {name}`: {key} {value!r} is not a number",
    "error.suit.stage": "`stage` {stage!r} is unknown; use one of {stages}",
    "error.suit.adcode": "`adcode` {adcode!r} is not a {level} of this result; choose one of its units, e.g. {example}",
    "error.suit.not_kept": "the criterion rasters were not kept (a grid above 10 M cells); compute at 250 m or coarser",
    # --- fonts (outputs.maps.find_cjk_font)
    "error.font.missing": ("no font that can draw Chinese is installed (looked for {families}, ...); install one with "
                           "`sudo apt-get install fonts-noto-cjk` (or run `bash scripts/setup.sh`), then delete "
                           "matplotlib's font cache in {cache} and restart"),
    # --- a scenario's settings read back (scenario.convert)
    "error.settings.number": "settings.{key} must be a number from {low:g} to {high:g}, got {got}",
    "error.settings.whole": "settings.{key} must be a whole number from {low:g} to {high:g}, got {got}",
    "error.settings.codes": "settings.{key} must be a list of adcodes (text), got {got}",
    "error.settings.pairs": "settings.{key} must be a list of [code, amount >= 0] pairs, got {got}",
    "error.settings.choice": "settings.{key} is {got}; it must be one of {options:@}",
    "error.settings.unknown": ("settings {unknown} are not used by this version (it knows {known:@}); remove them or "
                               "save the scenario again"),
    "error.settings.weights": "settings.weights must map components to numbers >= 0, got {got}",
    "error.settings.components": "weights name component(s) {gone} that no longer exist; components are {components:@}",
    "error.settings.text": "settings.{key} must be text, got {got}",
    "error.settings.transfer_to": "settings.transfer_to must be an adcode (text) or null, got {got}",
    "error.settings.stage_gone": "stage {stage!r} no longer exists; stages are {stages:@}",
    "error.settings.units_gone.county": ("{key} names {codes}, which are not a county-level unit of Guangdong any "
                                         "more; choose units that exist (adcodes such as 440118)"),
    "error.settings.units_gone.county.one": ("{key} names {codes}, which is not a county-level unit of Guangdong any "
                                             "more; choose units that exist (adcodes such as 440118)"),
    "error.settings.units_gone.city": ("{key} names {codes}, which are not a city of Guangdong any more; choose units "
                                       "that exist (adcodes such as 440118)"),
    "error.settings.units_gone.city.one": ("{key} names {codes}, which is not a city of Guangdong any more; choose "
                                           "units that exist (adcodes such as 440118)"),
    "error.settings.room_gone.county": ("room names {codes}, which are neither county-level units nor places that can "
                                        "receive {stage}"),
    "error.settings.room_gone.city": "room names {codes}, which are neither cities nor places that can receive {stage}",
    "error.settings.roles": "table role(s) {roles} are not read by the study; roles are {known:@}",
    "error.settings.rasters": ("settings.rasters must be {{dem: path or null, criterion: [NAME=FILE,...], resolution: "
                               "metres or null}}, got {got}"),
    # --- a scenario file's document (scenario.exchange)
    "error.word.the_file": "the file",
    "error.doc.object": "{where} must be an object, got {got}",
    "error.doc.unknown_keys": "unknown key(s) {keys}",
    "error.doc.missing_keys": "missing key(s) {keys}",
    "error.doc.keys": "{where}: {problems}",
    "error.doc.type": "{where} has the wrong type ({got})",
    "error.doc.base64": "{where} is not valid base64 (edited or cut short?)",
    "error.doc.sha256": "{where}: the data does not match its sha256 (edited or damaged); export the scenario again",
    "error.doc.size": "{where}.size says {size} but the data holds {n} bytes",
    "error.doc.format": "format is {got}, expected {expected!r}: this is not a scenario file",
    "error.doc.version": "format_version must be a whole number from 1, got {got}",
    "error.doc.newer": ("format_version {version} is newer than this program reads ({reads}): update gd-textile-planner, "
                        "or export the scenario again from the newer version's older format"),
    "error.doc.areas_sha256": "{where} ({name}): the polygons do not match their sha256 (edited or damaged)",
    "error.doc.raster_size": "{where}.size must be null when data_base64 is null",
    "error.doc.raster_sha": "{where}.sha256 must be 64 lower-case hex digits",
    # --- a scenario record (scenario.record.check_scenario)
    "error.record.settings_type": "settings must be a mapping, got {got}",
    "error.record.stage": "settings.stage must be a stage id such as 'dyeing', got {got}",
    "error.record.origin": "settings.origin must be an adcode or name (text), got {got}",
    "error.record.origins": "settings.origins must be a list of adcodes (text), got {got}",
    "error.record.settings_size": ("settings take {size:,} bytes as JSON; the limit is {limit:,}: attach large inputs "
                                   "as tables instead"),
    "error.record.table": "table {i}",
    "error.record.table_role": "{where} has role {role!r}; roles are {roles:@}",
    "error.record.table_twice": "{where}: two tables have role {role!r}; keep one",
    "error.record.table_size": "{where} ({role}) is {size:,} bytes; the limit is {limit:,}",
    "error.record.table_sha": "{where} ({role}, {file}) does not match its sha256: the data was changed or damaged",
    "error.record.file_name_type": "{where} file_name must be text, got {got}",
    "error.record.file_name": "{where} file_name",
    "error.record.file_name_path": "{where} file_name {name!r} is a path; give the bare file name, e.g. {bare!r}",
    "error.record.areas_crs": ("exclusion areas {name!r} have no CRS; set it (e.g. EPSG:4326) before saving the "
                               "scenario"),
    # --- the scenario store (scenario.schema, scenario.store)
    "error.doing.saving": "saving {name!r}",
    "error.doing.listing": "listing scenarios",
    "error.doing.looking_up": "looking up a name",
    "error.doing.reading": "reading {name!r}",
    "error.doing.renaming": "renaming {name!r}",
    "error.doing.duplicating": "duplicating {name!r}",
    "error.doing.deleting": "deleting {name!r}",
    "error.doing.checking": "checking it",
    "error.doing.opening": "opening it",
    "error.doing.creating": "creating it",
    "error.store.blob_sha": "{kind} {role!r} of scenario {name!r} does not match its sha256",
    "error.store.closed": "the scenario store {path} is closed; open it again with open_store()",
    "error.store.order": "`order` must be 'name' or 'updated', got {got}",
    "error.store.damaged": (
        "the scenario store {path} is damaged ({detail}); it was left exactly as it is. Keep a copy of it, then either "
        "recover what it holds with `sqlite3 {path} .recover | sqlite3 recovered.sqlite`, or start a new store with "
        "--store NEW_PATH (or the {env} environment variable)"),
    "error.store.while": "{err} while {doing}",
    "error.store.busy": ("the scenario store {path} is busy: another session kept it locked past the wait (default "
                         "{timeout:g} s) while {doing}; nothing was changed, try again"),
    "error.store.full": ("the disk holding the scenario store {path} is full while {doing}; nothing was changed: free "
                         "some space"),
    "error.store.read_only": ("the scenario store {path} is read-only while {doing}; nothing was changed: check its "
                              "permissions"),
    "error.store.cannot_open": ("the scenario store {path} cannot be opened ({err}); check the path and the folder's "
                                "permissions"),
    "error.store.failed": "the scenario store {path} failed while {doing} ({err}); nothing was changed",
    "error.store.folder": "the scenario store {path} is a folder; give a file path such as {example}",
    "error.store.unreadable": "the scenario store {path} cannot be read ({reason}); check its permissions",
    "error.store.empty": ("{path} is empty, so it is not a scenario store; it was left as it is. Give the path of a "
                          "scenario store (or of a file that does not exist yet, to start one) with --store or {env}"),
    "error.store.not_sqlite": ("{path} is not an SQLite file, so it is not a scenario store; it was left as it is. Give "
                               "the path of a scenario store (or of a file that does not exist yet, to start one) with "
                               "--store or {env}"),
    "error.store.cut_header": "cut short inside its header",
    "error.store.folder_read_only": ("the scenario store {path} (or its folder) is read-only; the store needs to write "
                                     "beside it: check the permissions, or copy it somewhere writable"),
    "error.store.cut_short": ("cut short: its header counts {pages} pages of {page_size} bytes ({total:,} bytes) but the "
                              "file has {size:,}"),
    # --- exclusions applied (analysis.exclusion)
    "error.exclusion.everything": (
        "the exclusion areas {names} cover every receiving unit ({n} of {n} East, West and North {level} units at least "
        "{share:.0%} inside): nothing would be left to rank; check that the file holds the exclusion polygons themselves "
        "(a frame around the province excludes everything) or raise --exclude-share"),
    "error.exclusion.areas_no_crs": "the exclusion areas have no CRS: a shapefile needs its .prj; add it or set the CRS",
    "error.exclusion.min_share": ("`min_share` must be in (0, 1], got {got}; 0.5 excludes units at least half inside "
                                  "the areas"),
    "error.record.deep": "{where} is nested deeper than {limit} levels",
    "error.record.surrogate": "{where} holds a lone surrogate character that cannot be saved as UTF-8",
    "error.record.nonfinite": "{where} is {value}; only finite numbers can be saved",
    "error.record.key_type": "{where} has key {key} ({got}); keys must be text",
    "error.record.key_surrogate": "{where} has a key with a lone surrogate character that cannot be saved as UTF-8",
    "error.record.not_json": ("{where} is a {got}, which is not JSON; use text, numbers (convert numpy values with "
                              "float() or int()), true/false, null, lists or mappings"),
    "error.record.crs": "is not a coordinate reference system ({err}); give e.g. 'EPSG:4326'",
    "error.record.no_polygons": "{where} has no polygons; drop the layer or give at least one",
    "error.record.wkb": "{where}: geometry {rows} is not valid WKB",
    "error.record.not_polygon": "{where}: geometry {rows} is not a non-empty polygon or multipolygon",
    "error.record.area": "area layer {i}",
    "error.record.raster": "raster {i}",
    "error.record.expected": "{where} is a {got}, expected {article} {cls}",
    "error.record.area_text": "{where} name and crs must be text",
    "error.record.area_name": "{where} name",
    "error.record.area_twice": "{where}: two area layers are named {name!r}; rename one",
    "error.record.area_crs": "{where} ({name}) crs {crs!r} {problem}",
    "error.record.area_geoms": "{where} ({name}) geometries must be a tuple of WKB bytes",
    "error.record.area_sha": "{where} ({name}) does not match its sha256: the polygons were changed or damaged",
    "error.record.where_named": "{where} ({name})",
    "error.record.raster_role": "{where} role {role} must be a lower-case id such as 'dem' or 'exclusion_mask'",
    "error.record.raster_twice": "{where}: two rasters have role {role!r}; keep one",
    "error.record.bytes": "{where} ({role}) data must be bytes, got {got}",
    "error.record.raster_path": "{where} ({role}) path must be text without control characters, at most {limit}",
    "error.record.raster_sha_form": "{where} ({role}) sha256 must be 64 lower-case hex digits",
    "error.record.raster_size": "{where} ({role}) is {size:,} bytes; the limit is {limit:,}: keep it by path",
    "error.record.raster_nothing": "{where} ({role}) has neither data nor a path; give one",
    "error.record.raster_missing": "{where} ({role}) file {path} does not exist and no sha256 was given",
    "error.record.time_form": "{what} must be a UTC time like 2024-05-01T08:00:00Z, got {got}",
    "error.record.time_real": "{what} {value!r} is not a real date and time",
    "error.record.data_versions": "data_versions must map dataset names (text) to versions (text)",
    "error.record.dv_key": "data_versions key {key!r}",
    "error.record.dv_value": "data_versions[{key!r}]",
    "error.record.tuple": "{what} must be a tuple, got {got}",
    # --- comparisons and exports (scenario.compare, scenario.bundle)
    "error.compare.two": ("comparing needs two or more scenarios, got {n}; name a baseline and at least one other"),
    "error.compare.levels": ("scenarios {a!r} ({level_a}) and {b!r} ({level_b}) rank different units; compare "
                             "scenarios at the same level"),
    "error.compare.against": ("`against` must name one of the compared scenarios other than the baseline ({names}) or "
                              "give its position 1..{last}, got {got}"),
    "error.export.no_fit": "the GeoTIFF export holds the score raster: run a fit first (CLI: add --stage and --origin)",
    "error.export.nothing": ("nothing to export: choose some layers and/or run a fit (CLI: --layers, or --stage with "
                             "--origin)"),
    "error.store.cannot_create": "cannot create the scenario store {path} ({reason}); check the folder and its permissions",
    "error.store.other_program": ("{path} is an SQLite database of another program, not a scenario store; it was left "
                                  "as it is. Give another path with --store or {env}"),
    "error.store.newer": ("the scenario store {path} was written by a newer gd-textile-planner (schema {version}; this "
                          "one reads up to {reads}); it was left as it is. Update gd-textile-planner, or use another "
                          "store with --store or {env}"),
}
