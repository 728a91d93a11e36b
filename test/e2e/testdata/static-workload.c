/* A single-threaded, statically linked workload: it prints its bounding set and
 * seccomp mode from /proc/self/status, then a line that says it ran. */
#include <stdio.h>
#include <string.h>

int main(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	if (!f) {
		perror("open /proc/self/status");
		return 1;
	}
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "CapBnd:", 7) == 0 || strncmp(line, "Seccomp:", 8) == 0)
			fputs(line, stdout);
	fclose(f);
	puts("static workload ran");
	return 0;
}
