# Sourced by the generators: makes a Python virtualenv in a temporary folder, as $venv, removed
# when the script exits.
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
