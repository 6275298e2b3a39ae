"""The sentences of the sensors package, German first (registered with :mod:`calliope_lib.messages`)."""

from __future__ import annotations

from calliope_lib.messages import register

register(
    {
        # --- bad parameters ---------------------------------------------------------------
        "sensor.not_a_number": {
            "de": "{name} muss eine Zahl sein, nicht {value!r}.",
            "en": "{name} must be a number, not {value!r}.",
        },
        "sensor.not_positive": {
            "de": (
                "{name} = {value!r} geht nicht: dieser Wert muss größer als 0 sein. Bei einem "
                "Widerstand: schau auf die Farbringe oder miss mit dem Multimeter nach."
            ),
            "en": (
                "{name} = {value!r} is not possible: this value must be above 0. For a "
                "resistor: read the colour bands or measure with a multimeter."
            ),
        },
        "sensor.bad_wiring": {
            "de": (
                "wiring={value!r} kenne ich nicht. Möglich sind \"to_ground\" (Sensor zwischen "
                "Pin und GND) und \"to_supply\" (Sensor zwischen 3,3 V und Pin)."
            ),
            "en": (
                "I do not know wiring={value!r}. Use \"to_ground\" (sensor between pin and "
                "GND) or \"to_supply\" (sensor between 3.3 V and pin)."
            ),
        },
        "sensor.same_points": {
            "de": (
                "Die beiden Rohwerte sind gleich ({raw}). Für eine Kalibrierung brauchst du zwei "
                "verschiedene Messungen, zum Beispiel trockene Erde und nasse Erde."
            ),
            "en": (
                "Both raw values are the same ({raw}). A calibration needs two different "
                "readings, for example dry soil and wet soil."
            ),
        },
        "sensor.fit_too_few": {
            "de": (
                "Für eine Ausgleichsgerade brauche ich mindestens zwei verschiedene Rohwerte "
                "mit gültigen Referenzwerten; ich habe {count}."
            ),
            "en": (
                "A best-fit line needs at least two different raw values with valid reference "
                "values; I have {count}."
            ),
        },
        "sensor.fit_lengths": {
            "de": "Es gibt {raw} Rohwerte, aber {ref} Referenzwerte. Es müssen gleich viele sein.",
            "en": "There are {raw} raw values but {ref} reference values. They must match.",
        },
        "sensor.sh_points": {
            "de": (
                "Für Steinhart-Hart brauche ich mindestens drei Paare (Widerstand in Ω, "
                "Temperatur in °C) bei drei verschiedenen Temperaturen; ich habe {count}."
            ),
            "en": (
                "Steinhart-Hart needs at least three (resistance in Ω, temperature in °C) pairs "
                "at three different temperatures; I have {count}."
            ),
        },
        "sensor.sh_bad_fit": {
            "de": (
                "Diese Punkte passen nicht zu einem NTC-Thermistor (der Widerstand muss mit "
                "steigender Temperatur kleiner werden). Prüfe die Einheiten: Ω und °C."
            ),
            "en": (
                "These points do not fit an NTC thermistor (its resistance must fall as the "
                "temperature rises). Check the units: Ω and °C."
            ),
        },
        "sensor.too_cold": {
            "de": "{name} = {value!r} °C liegt unter dem absoluten Nullpunkt (-273,15 °C).",
            "en": "{name} = {value!r} °C is below absolute zero (-273.15 °C).",
        },
        "sensor.unknown_type": {
            "de": "Einen Sensor vom Typ {value!r} kenne ich nicht. Bekannt: {known}.",
            "en": "I do not know a sensor of type {value!r}. Known: {known}.",
        },
        "sensor.divider_too_small": {
            "de": (
                "Der Spannungsteiler ({r_top} Ω oben, {r_bottom} Ω unten) belastet die "
                "Solarzelle zu stark: er sollte mindestens 20-mal so viel Widerstand haben wie "
                "der Lastwiderstand ({r_load} Ω)."
            ),
            "en": (
                "The divider ({r_top} Ω top, {r_bottom} Ω bottom) loads the solar cell too "
                "much: it should have at least 20 times the load resistance ({r_load} Ω)."
            ),
        },
        "sensor.no_such_attribute": {
            "de": (
                "{kind} hat keine Einstellung '{name}'. Tippfehler? Mit help({kind}) siehst du "
                "alle Einstellungen."
            ),
            "en": "{kind} has no setting '{name}'. A typo? help({kind}) lists all settings.",
        },
        "sensor.energy_unit": {
            "de": (
                "Für die Energie brauche ich eine Leistung in mW, W oder µW, dieser Kanal hat "
                "die Einheit {unit!r}. Rechne den Rohwert-Kanal zuerst um, zum Beispiel mit "
                "rec.convert(\"p1\", SolarCell())."
            ),
            "en": (
                "Energy needs a power in mW, W or µW; this channel has the unit {unit!r}. "
                "Convert the raw channel first, for example with "
                "rec.convert(\"p1\", SolarCell())."
            ),
        },
        "sensor.energy_input": {
            "de": (
                "energy_mwh braucht einen Kanal (rec[\"name\"]) oder Zeiten und Werte: "
                "energy_mwh(zeiten, werte)."
            ),
            "en": (
                "energy_mwh needs a channel (rec[\"name\"]) or times and values: "
                "energy_mwh(times, values)."
            ),
        },
        "sensor.calibration_missing": {
            "de": "In dieser Messung ist keine Kalibrierung '{name}' gespeichert. Vorhanden: {known}.",
            "en": "This recording holds no calibration '{name}'. Stored: {known}.",
        },
        "sensor.not_a_sensor": {
            "de": (
                "{value!r} ist kein Sensor. Nimm zum Beispiel Thermistor(), LightSensor(), "
                "MoistureProbe(), SolarCell() oder eine Calibration."
            ),
            "en": (
                "{value!r} is not a sensor. Use for example Thermistor(), LightSensor(), "
                "MoistureProbe(), SolarCell() or a Calibration."
            ),
        },
        # --- notes in a recording --------------------------------------------------------
        "sensor.note_unplugged": {
            "de": (
                "{channel} -> {name}: {count} von {total} Werten waren 0 oder 1023. Dann ist "
                "meist ein Kabel lose oder zwei Drähte berühren sich (Kurzschluss). Diese Werte "
                "sind jetzt NaN (keine Zahl) und fehlen im Diagramm."
            ),
            "en": (
                "{channel} -> {name}: {count} of {total} values were 0 or 1023. Usually a wire "
                "is loose or two wires touch (short circuit). These values are now NaN (not a "
                "number) and left out of plots."
            ),
        },
        "sensor.note_overrange": {
            "de": (
                "{channel} -> {name}: {count} von {total} Werten waren 1023: die Spannung war "
                "höher, als der Pin messen kann (über {volts} V). Diese Werte sind jetzt NaN. "
                "Ein Spannungsteiler hilft: SolarCell(divider=(10_000, 10_000))."
            ),
            "en": (
                "{channel} -> {name}: {count} of {total} values were 1023: the voltage was "
                "higher than the pin can measure (above {volts} V). These values are now NaN. "
                "A voltage divider helps: SolarCell(divider=(10_000, 10_000))."
            ),
        },
        "sensor.note_clamped": {
            "de": (
                "{channel} -> {name}: {low} Werte waren trockener als 'trocken' und wurden auf "
                "{lo} {unit} gesetzt, {high} Werte nasser als 'nass' und wurden auf {hi} {unit} "
                "gesetzt. Vielleicht lohnt es sich, neu zu kalibrieren."
            ),
            "en": (
                "{channel} -> {name}: {low} values were drier than 'dry' and were set to "
                "{lo} {unit}, {high} values wetter than 'wet' and were set to {hi} {unit}. "
                "Calibrating again may help."
            ),
        },
        "sensor.clamped_warn": {
            "de": (
                "{count} Werte lagen außerhalb von {lo}..{hi} {unit} und wurden an den Rand "
                "gesetzt (siehe .clamped)."
            ),
            "en": (
                "{count} values were outside {lo}..{hi} {unit} and were set to the limit "
                "(see .clamped)."
            ),
        },
        # --- parts lists (``sensor.parts``) and wiring in one line (``wiring_text()``) ------
        "part.wires": {"de": "3 Kabel (Krokodilklemmen)", "en": "3 wires (crocodile clips)"},
        "part.nails": {
            "de": "2 verzinkte Nägel (etwa 5 cm) oder 2 abisolierte Drähte",
            "en": "2 galvanised nails (about 5 cm) or 2 stripped wires",
        },
        "part.flower_pot": {"de": "ein Blumentopf mit Erde", "en": "a flower pot with soil"},
        "part.ntc_beta": {
            "de": "NTC-Thermistor {ohms}, B = {beta} K",
            "en": "NTC thermistor {ohms}, B = {beta} K",
        },
        "part.ntc_steinhart_hart": {
            "de": "NTC-Thermistor (Steinhart-Hart kalibriert)",
            "en": "NTC thermistor (Steinhart-Hart calibrated)",
        },
        "part.ldr": {
            "de": "Fotowiderstand GL5528 (LDR, etwa {ohms} bei 10 lx)",
            "en": "Light-dependent resistor GL5528 (LDR, about {ohms} at 10 lx)",
        },
        "part.solar_panel": {"de": "Mini-Solarzelle {panel}", "en": "Mini solar panel {panel}"},
        "part.solar_load": {
            "de": "{resistor} als Last (mind. 0,25 W)",
            "en": "{resistor} as load (at least 0.25 W)",
        },
        "part.solar_divider": {
            "de": "Spannungsteiler: {top} + {bottom}",
            "en": "divider: {top} + {bottom}",
        },
        "wiring.nail_probe": {"de": "Nagel-Sonde", "en": "nail probe"},
        "wiring.to_ground": {
            "de": "3,3 V -> Widerstand {ohms} -> Pin (z. B. P1) -> {sensor} -> GND",
            "en": "3.3 V -> resistor {ohms} -> pin (e.g. P1) -> {sensor} -> GND",
        },
        "wiring.to_supply": {
            "de": "3,3 V -> {sensor} -> Pin (z. B. P1) -> Widerstand {ohms} -> GND",
            "en": "3.3 V -> {sensor} -> pin (e.g. P1) -> resistor {ohms} -> GND",
        },
        "wiring.solar": {
            "de": "Solarzelle + -> P1; Widerstand {load} zwischen Solarzelle + und -; "
                  "Solarzelle - -> GND",
            "en": "panel + -> P1; resistor {load} between panel + and -; panel - -> GND",
        },
        "wiring.solar_divider": {
            "de": "Solarzelle + -> {top} -> P1 -> {bottom} -> GND; Widerstand {load} zwischen "
                  "Solarzelle + und -; Solarzelle - -> GND",
            "en": "panel + -> {top} -> P1 -> {bottom} -> GND; resistor {load} between panel + "
                  "and -; panel - -> GND",
        },
    }
)
