# konflikt: two commands matter: `make run` (the program on its defaults) and `make test` (all tests).
SWIFT ?= swift
BIN_PATH = $(shell $(SWIFT) build --show-bin-path 2>/dev/null)

.PHONY: run test build deps demo bench clean

run: deps build
	@"$(BIN_PATH)/konflikt"

test: deps build
	KONFLIKT_BIN="$(BIN_PATH)/konflikt" $(SWIFT) test

build:
	$(SWIFT) build

# Installs the system packages the program and its tests need, when they are missing.
deps:
	@sh scripts/install-deps

clean:
	rm -rf .build
