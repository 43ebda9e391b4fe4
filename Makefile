# Thin wrapper: the work is in cmake/dev.sh (usable without make, too).
.PHONY: demo test bench torture deps clean
demo:
	@sh cmake/dev.sh demo
test:
	@sh cmake/dev.sh test
bench:
	@sh cmake/dev.sh bench
torture:
	@sh cmake/dev.sh torture
deps:
	@sh cmake/dev.sh deps
clean:
	rm -rf build
