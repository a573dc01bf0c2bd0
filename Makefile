# The logic lives in scripts/; see scripts/test.sh and scripts/deps.sh.
GO ?= go
ARGS ?=

.PHONY: build run test check fmt clean

build:
	bash scripts/web.sh
	$(GO) build -o walros ./cmd/walros

# Serves $WALROS_DATA (default ./data); ARGS adds flags to `walros serve`.
run:
	bash scripts/deps.sh ffmpeg
	bash scripts/web.sh
	$(GO) build -o walros ./cmd/walros
	exec ./walros serve --data "$${WALROS_DATA:-./data}" $(ARGS)

# TEST_ARGS="-run X" passes flags to go test; SKIP_LINT=1 skips gofmt, vet and staticcheck.
test:
	bash scripts/test.sh

check: test

fmt:
	find . \( -name node_modules -o -name testdata -o -name '.?*' \) -prune -o -name '*.go' -type f -exec gofmt -w {} +

clean:
	rm -f walros
	find web/dist -mindepth 1 ! -name .gitkeep -delete
