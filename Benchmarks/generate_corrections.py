"""Writes a corrections file of N rows across several countries, all valid, deterministic."""
import random
import sys

ADDRESSES = [
    ("US", [("WA", "Seattle", "981{:02d}"), ("NY", "New York", "100{:02d}"), ("CA", "San Jose", "951{:02d}"),
            ("TX", "Austin", "787{:02d}"), ("Illinois", "Chicago", "606{:02d}")]),
    ("CA", [("ON", "Toronto", "M5H 2N{}"), ("QC", "Montreal", "h3z2y{}"), ("BC", "Vancouver", "V6B 1A{}")]),
    ("GB", [("", "London", "SW1A 2A{}"), ("", "Manchester", "M1 1A{}")]),
    ("DE", [("", "Berlin", "101{:02d}"), ("", "Munich", "803{:02d}")]),
    ("MX", [("AGU", "Aguascalientes", "201{:02d}"), ("Jal.", "Guadalajara", "441{:02d}")]),
    ("FR", [("", "Paris", "750{:02d}")]),
    ("AU", [("NSW", "Sydney", "20{:02d}"), ("VIC", "Melbourne", "30{:02d}")]),
    ("JP", [("13", "Chiyoda-ku", "100-00{:02d}")]),
]


def main():
    rows = int(sys.argv[1])
    path = sys.argv[2]
    rng = random.Random(42)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    with open(path, "w", newline="") as out:
        out.write("customerId,addressLine1,addressLine2,city,state,postalCode,country\n")
        for index in range(rows):
            country, places = ADDRESSES[index % len(ADDRESSES)]
            state, city, postal = places[(index // len(ADDRESSES)) % len(places)]
            digit = rng.randrange(10)
            if country == "GB":
                code = postal.format(letters[digit])
            elif country == "CA":
                code = postal.format(digit)
            else:
                code = postal.format(rng.randrange(10, 40) if "{:02d}" in postal else digit)
            second = f'"Suite {index % 500}, Floor {index % 40}"' if index % 3 == 0 else ""
            out.write(f"{index:08x}-1f4d-4a6b-9e2c-{rng.getrandbits(48):012x},{index % 9000 + 1} Main Street,"
                      f"{second},{city},{state},{code},{country}\n")


if __name__ == "__main__":
    main()
