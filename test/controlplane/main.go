// Command controlplane runs a whole Kubernetes control plane for tests in one process:
// an embedded etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok's
// controller, which plays the kubelet for fake nodes so that pods become Running and Ready.
// Everything listens on 127.0.0.1 only.
package main

import (
	"context"
	"encoding/json"
	goflag "flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
)

type options struct {
	dataDir          string
	name             string
	kubeconfigOut    string
	apiPort          int
	etcdClientPort   int
	etcdPeerPort     int
	nodes            int
	verbosity        int
	readyTimeout     time.Duration
	shutdownTimeout  time.Duration
	exitWithParent   bool
	serviceCIDR      string
	podCIDR          string
	disableAdmission string
	kwokBinary       string
}

func parseOptions() *options {
	o := &options{}
	fs := goflag.NewFlagSet("controlplane", goflag.ExitOnError)
	fs.StringVar(&o.dataDir, "data-dir", "", "directory for etcd data, certificates and kubeconfigs (required)")
	fs.StringVar(&o.name, "name", "controlplane", "cluster name: used for the kubeconfig's cluster, user and context")
	fs.StringVar(&o.kubeconfigOut, "kubeconfig", "", "where to write the admin kubeconfig (default <data-dir>/admin.kubeconfig)")
	fs.IntVar(&o.apiPort, "apiserver-port", 6443, "kube-apiserver secure port on 127.0.0.1")
	fs.IntVar(&o.etcdClientPort, "etcd-client-port", 2379, "etcd client port on 127.0.0.1")
	fs.IntVar(&o.etcdPeerPort, "etcd-peer-port", 2380, "etcd peer port on 127.0.0.1")
	fs.IntVar(&o.nodes, "nodes", 1, "number of fake (kwok) nodes to create")
	fs.IntVar(&o.verbosity, "v", 0, "klog verbosity of the Kubernetes components")
	fs.DurationVar(&o.readyTimeout, "ready-timeout", 90*time.Second, "give up when the cluster is not ready within this time")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long a graceful stop may take before the process exits anyway")
	fs.BoolVar(&o.exitWithParent, "exit-with-parent", true, "receive SIGTERM when the parent process dies")
	fs.StringVar(&o.serviceCIDR, "service-cluster-ip-range", "10.96.0.0/16", "service cluster IP range (addresses are only allocated, never routed)")
	fs.StringVar(&o.podCIDR, "pod-cidr", "10.244.0.1/16", "range kwok takes fake pod IPs from")
	fs.StringVar(&o.disableAdmission, "disable-admission-plugins", "MutatingAdmissionWebhook,ValidatingAdmissionWebhook",
		"admission plugins to turn off")
	fs.StringVar(&o.kwokBinary, "kwok-binary", defaultKwokBinary(), "kwok controller binary (default: kwok next to this binary)")
	_ = fs.Parse(os.Args[1:])
	if o.dataDir == "" {
		fmt.Fprintln(os.Stderr, "controlplane: --data-dir is required")
		os.Exit(2)
	}
	if o.nodes < 0 {
		fmt.Fprintln(os.Stderr, "controlplane: --nodes must be >= 0")
		os.Exit(2)
	}
	abs, err := filepath.Abs(o.dataDir)
	if err != nil {
		fatal(err)
	}
	o.dataDir = abs
	if o.kubeconfigOut == "" {
		o.kubeconfigOut = filepath.Join(o.dataDir, "admin.kubeconfig")
	}
	return o
}

// event is one line of machine-readable progress on stdout.
func event(kind string, fields map[string]any) {
	m := map[string]any{"event": kind, "time": time.Now().UTC().Format(time.RFC3339Nano)}
	for k, v := range fields {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	fmt.Fprintln(os.Stdout, string(b))
}

func fatal(err error) {
	event("error", map[string]any{"error": err.Error()})
	fmt.Fprintf(os.Stderr, "controlplane: %v\n", err)
	klog.Flush()
	os.Exit(1)
}

func main() {
	start := time.Now()
	o := parseOptions()

	if o.exitWithParent {
		// A test runner that dies without stopping us must not leave a cluster behind.
		_ = unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0, 0, 0)
		if os.Getppid() == 1 {
			fatal(fmt.Errorf("parent process already gone"))
		}
	}

	klogFlags := goflag.NewFlagSet("klog", goflag.ContinueOnError)
	klog.InitFlags(klogFlags)
	_ = klogFlags.Set("v", strconv.Itoa(o.verbosity))
	// Loopback clients must not print the warnings the apiserver sends them.
	rest.SetDefaultWarningHandler(rest.NoWarnings{})

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	if err := os.MkdirAll(o.dataDir, 0o700); err != nil {
		fatal(err)
	}
	p, err := loadOrCreatePKI(filepath.Join(o.dataDir, "pki"))
	if err != nil {
		fatal(fmt.Errorf("certificates: %w", err))
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", o.apiPort)
	kc, err := writeKubeconfigs(o, p, server)
	if err != nil {
		fatal(fmt.Errorf("kubeconfigs: %w", err))
	}

	kcm, err := newControllerManager(o, p, kc.controllerManager)
	if err != nil {
		fatal(fmt.Errorf("kube-controller-manager options: %w", err))
	}
	sched, err := newScheduler(kc.scheduler)
	if err != nil {
		fatal(fmt.Errorf("kube-scheduler options: %w", err))
	}

	etcd, err := startEtcd(ctx, o)
	if err != nil {
		fatal(fmt.Errorf("etcd: %w", err))
	}
	event("etcd-ready", map[string]any{"elapsedMs": time.Since(start).Milliseconds()})

	apiDone := make(chan error, 1)
	if err := startAPIServer(ctx, o, p, apiDone); err != nil {
		etcd.Close()
		fatal(fmt.Errorf("kube-apiserver: %w", err))
	}

	adminCfg, err := restConfigFrom(kc.admin)
	if err != nil {
		fatal(err)
	}
	client, err := kubernetes.NewForConfig(adminCfg)
	if err != nil {
		fatal(err)
	}

	readyCtx, cancelReady := context.WithTimeout(ctx, o.readyTimeout)
	defer cancelReady()
	if err := waitAPIServerReady(readyCtx, client, apiDone); err != nil {
		shutdown(o, etcd, apiDone, stop)
		fatal(fmt.Errorf("kube-apiserver did not become ready: %w", err))
	}
	event("apiserver-ready", map[string]any{"elapsedMs": time.Since(start).Milliseconds(), "server": server})

	componentDone := make(chan error, 3)
	if err := kcm.start(ctx, componentDone); err != nil {
		shutdown(o, etcd, apiDone, stop)
		fatal(fmt.Errorf("kube-controller-manager: %w", err))
	}
	if err := sched.start(ctx, componentDone); err != nil {
		shutdown(o, etcd, apiDone, stop)
		fatal(fmt.Errorf("kube-scheduler: %w", err))
	}
	kwok, err := startKwok(o, kc.kwok, componentDone)
	if err != nil {
		shutdown(o, etcd, apiDone, stop)
		fatal(fmt.Errorf("kwok: %w", err))
	}
	stopAll := func() {
		stop()
		kwok.stop(5 * time.Second)
		shutdown(o, etcd, apiDone, stop)
	}

	if err := createNodes(readyCtx, client, o.nodes); err != nil {
		stopAll()
		fatal(fmt.Errorf("fake nodes: %w", err))
	}
	if err := waitClusterReady(readyCtx, client, o.nodes, apiDone, componentDone); err != nil {
		stopAll()
		fatal(fmt.Errorf("cluster did not become ready: %w", err))
	}
	event("ready", map[string]any{
		"elapsedMs":  time.Since(start).Milliseconds(),
		"server":     server,
		"kubeconfig": o.kubeconfigOut,
		"name":       o.name,
		"nodes":      o.nodes,
	})

	select {
	case <-ctx.Done():
	case err := <-apiDone:
		if ctx.Err() == nil {
			kwok.stop(5 * time.Second)
			etcd.Close()
			fatal(fmt.Errorf("kube-apiserver stopped: %v", err))
		}
	case err := <-componentDone:
		if ctx.Err() == nil {
			stopAll()
			fatal(fmt.Errorf("a control plane component stopped: %v", err))
		}
	case err := <-etcd.Err():
		kwok.stop(5 * time.Second)
		fatal(fmt.Errorf("etcd failed: %v", err))
	}
	event("stopping", nil)
	stopAll()
	event("stopped", nil)
	klog.Flush()
	os.Exit(0)
}
