# konflikt: two commands matter: `make run` (the program on its defaults) and `make test` (all tests).
SWIFT ?= swift
BIN_PATH = $(shell $(SWIFT) build --show-bin-path 2>/dev/null)

.PHONY: run test build deps demo demo-review bench clean

run: deps build
	@"$(BIN_PATH)/konflikt"

test: deps build
	KONFLIKT_BIN="$(BIN_PATH)/konflikt" $(SWIFT) test

build:
	$(SWIFT) build

# Installs the system packages the program and its tests need, when they are missing.
deps:
	@sh scripts/install-deps

# Fictitious demo data (2,000 families, three health visitors and a lead) in ./demo-data, then the review.
demo: deps build
	@rm -rf demo-data
	"$(BIN_PATH)/konflikt" demo-data --count 2000 --data demo-data
	@echo "Åbn: KONFLIKT_DATA=demo-data $(BIN_PATH)/konflikt   (eller: make demo-review)"

demo-review: build
	@KONFLIKT_DATA=demo-data "$(BIN_PATH)/konflikt" review --author LE

# The benchmark (by hand; prints Markdown tables for docs/PERFORMANCE.md). SIZES="10000 100000" to shorten.
bench: deps
	@scripts/bench $(SIZES)

clean:
	rm -rf .build
