package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"go.etcd.io/etcd/server/v3/embed"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	cliflag "k8s.io/component-base/cli/flag"
	apiapp "k8s.io/kubernetes/cmd/kube-apiserver/app"
	apioptions "k8s.io/kubernetes/cmd/kube-apiserver/app/options"
	kcmapp "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	kcmoptions "k8s.io/kubernetes/cmd/kube-controller-manager/app/options"
	schedapp "k8s.io/kubernetes/cmd/kube-scheduler/app"
	schedoptions "k8s.io/kubernetes/cmd/kube-scheduler/app/options"
)

type kubeconfigs struct {
	admin, controllerManager, scheduler, kwok string
}

func writeKubeconfigs(o *options, p *pki, server string) (kubeconfigs, error) {
	write := func(path, user string, kp keyPair) error {
		cfg := clientcmdapi.NewConfig()
		cfg.Clusters[o.name] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: p.ca.certPEM}
		cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{ClientCertificateData: kp.certPEM, ClientKeyData: kp.keyPEM}
		cfg.Contexts[o.name] = &clientcmdapi.Context{Cluster: o.name, AuthInfo: user}
		cfg.CurrentContext = o.name
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		b, err := clientcmd.Write(*cfg)
		if err != nil {
			return err
		}
		return writeFileAtomic(path, b, 0o600)
	}
	kc := kubeconfigs{
		admin:             o.kubeconfigOut,
		controllerManager: filepath.Join(o.dataDir, "controller-manager.kubeconfig"),
		scheduler:         filepath.Join(o.dataDir, "scheduler.kubeconfig"),
		kwok:              filepath.Join(o.dataDir, "kwok.kubeconfig"),
	}
	for _, w := range []struct {
		path, user string
		kp         keyPair
	}{
		{kc.admin, o.name + "-admin", p.admin},
		{kc.controllerManager, "kube-controller-manager", p.controllerMgr},
		{kc.scheduler, "kube-scheduler", p.scheduler},
		{kc.kwok, "kwok", p.kwok},
	} {
		if err := write(w.path, w.user, w.kp); err != nil {
			return kc, err
		}
	}
	return kc, nil
}

func restConfigFrom(path string) (*rest.Config, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		return nil, err
	}
	cfg.QPS = 100
	cfg.Burst = 200
	return cfg, nil
}

func startEtcd(ctx context.Context, o *options) (*embed.Etcd, error) {
	cfg := embed.NewConfig()
	cfg.Name = "etcd"
	cfg.Dir = filepath.Join(o.dataDir, "etcd")
	clientURL := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", o.etcdClientPort)}
	peerURL := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", o.etcdPeerPort)}
	cfg.ListenClientUrls = []url.URL{clientURL}
	cfg.AdvertiseClientUrls = []url.URL{clientURL}
	cfg.ListenPeerUrls = []url.URL{peerURL}
	cfg.AdvertisePeerUrls = []url.URL{peerURL}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.ListenMetricsUrls = nil
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{"stderr"}
	// Test data: durability across power loss is not needed, speed is.
	cfg.UnsafeNoFsync = true
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, err
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, nil
	case err := <-e.Err():
		e.Close()
		return nil, err
	case <-time.After(60 * time.Second):
		e.Close()
		return nil, errors.New("etcd not ready after 60s")
	case <-ctx.Done():
		e.Close()
		return nil, ctx.Err()
	}
}

// parseInto registers every flag set of a component in one pflag set (as its cobra command
// does) and parses the arguments, so the component's options see the same "changed" state.
func parseInto(component string, nfs cliflag.NamedFlagSets, args []string) error {
	fs := pflag.NewFlagSet(component, pflag.ContinueOnError)
	for _, name := range nfs.Order {
		fs.AddFlagSet(nfs.FlagSets[name])
	}
	return fs.Parse(args)
}

func startAPIServer(ctx context.Context, o *options, p *pki, done chan<- error) error {
	s := apioptions.NewServerRunOptions()
	args := []string{
		"--etcd-servers=" + fmt.Sprintf("http://127.0.0.1:%d", o.etcdClientPort),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", o.apiPort),
		"--tls-cert-file=" + p.path("apiserver.crt"),
		"--tls-private-key-file=" + p.path("apiserver.key"),
		"--client-ca-file=" + p.path("ca.crt"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + p.path("sa.pub"),
		"--service-account-signing-key-file=" + p.path("sa.key"),
		"--service-cluster-ip-range=" + o.serviceCIDR,
		"--authorization-mode=Node,RBAC",
		"--disable-admission-plugins=" + o.disableAdmission,
		"--allow-privileged=true",
		"--profiling=false",
		// The "kubernetes" Service would get 127.0.0.1 as endpoint, which validation refuses.
		"--endpoint-reconciler-type=none",
		"--shutdown-delay-duration=0s",
		"--event-ttl=1h",
	}
	if err := parseInto("kube-apiserver", s.Flags(), args); err != nil {
		return err
	}
	if err := s.GenericServerRunOptions.ComponentGlobalsRegistry.Set(); err != nil {
		return err
	}
	completed, err := s.Complete(ctx)
	if err != nil {
		return err
	}
	if errs := completed.Validate(); len(errs) != 0 {
		return errors.Join(errs...)
	}
	go func() { done <- apiapp.Run(ctx, completed) }()
	return nil
}

func waitAPIServerReady(ctx context.Context, client kubernetes.Interface, apiDone <-chan error) error {
	var last error
	for {
		body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err == nil && strings.TrimSpace(string(body)) == "ok" {
			return nil
		}
		last = err
		select {
		case err := <-apiDone:
			return fmt.Errorf("kube-apiserver exited: %v", err)
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %v)", ctx.Err(), last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// The components' options must all be created before any of them is started: creating
// kube-controller-manager's flags changes a feature gate default (WatchListClient), which is only
// possible before any component has registered the process-wide feature gates on a flag set.

type controllerManager struct {
	opts          *kcmoptions.KubeControllerManagerOptions
	all, disabled []string
	aliases       map[string]string
}

func newControllerManager(o *options, p *pki, kubeconfig string) (*controllerManager, error) {
	s, err := kcmoptions.NewKubeControllerManagerOptions()
	if err != nil {
		return nil, err
	}
	c := &controllerManager{opts: s, all: kcmapp.KnownControllers(), disabled: kcmapp.ControllersDisabledByDefault(), aliases: kcmapp.ControllerAliases()}
	nfs := s.Flags(c.all, c.disabled, c.aliases)
	s.ParsedFlags = &nfs
	args := []string{
		"--kubeconfig=" + kubeconfig,
		"--secure-port=0",
		"--leader-elect=false",
		"--use-service-account-credentials=false",
		"--service-account-private-key-file=" + p.path("sa.key"),
		"--root-ca-file=" + p.path("ca.crt"),
		"--cluster-signing-cert-file=" + p.path("ca.crt"),
		"--cluster-signing-key-file=" + p.path("ca.key"),
		"--service-cluster-ip-range=" + o.serviceCIDR,
		"--profiling=false",
		"--controllers=*",
	}
	if err := parseInto("kube-controller-manager", nfs, args); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *controllerManager) start(ctx context.Context, done chan<- error) error {
	if err := c.opts.ComponentGlobalsRegistry.Set(); err != nil {
		return err
	}
	cfg, err := c.opts.Config(ctx, c.all, c.disabled, c.aliases)
	if err != nil {
		return err
	}
	go func() {
		err := kcmapp.Run(ctx, cfg.Complete())
		done <- fmt.Errorf("kube-controller-manager: %v", err)
	}()
	return nil
}

type scheduler struct{ opts *schedoptions.Options }

func newScheduler(kubeconfig string) (*scheduler, error) {
	opts := schedoptions.NewOptions()
	args := []string{
		"--kubeconfig=" + kubeconfig,
		"--secure-port=0",
		"--leader-elect=false",
		"--profiling=false",
	}
	if err := parseInto("kube-scheduler", *opts.Flags, args); err != nil {
		return nil, err
	}
	return &scheduler{opts: opts}, nil
}

func (s *scheduler) start(ctx context.Context, done chan<- error) error {
	if err := s.opts.ComponentGlobalsRegistry.Set(); err != nil {
		return err
	}
	cc, sched, err := schedapp.Setup(ctx, s.opts)
	if err != nil {
		return err
	}
	go func() {
		err := schedapp.Run(ctx, cc, sched)
		done <- fmt.Errorf("kube-scheduler: %v", err)
	}()
	return nil
}

func nodeName(i int) string { return fmt.Sprintf("kwok-node-%d", i) }

func createNodes(ctx context.Context, client kubernetes.Interface, n int) error {
	for i := 0; i < n; i++ {
		name := nodeName(i)
		capacity := corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("32"),
			corev1.ResourceMemory: resource.MustParse("128Gi"),
			corev1.ResourcePods:   resource.MustParse("110"),
		}
		node := &corev1.Node{
			ObjectMeta: metav1.ObjectMeta{
				Name: name,
				Labels: map[string]string{
					"type":                   "kwok",
					"kubernetes.io/hostname": name,
					"kubernetes.io/os":       "linux",
					"kubernetes.io/arch":     "amd64",
				},
				Annotations: map[string]string{
					"kwok.x-k8s.io/node":           "fake",
					"node.alpha.kubernetes.io/ttl": "0",
				},
			},
			Status: corev1.NodeStatus{Capacity: capacity, Allocatable: capacity},
		}
		_, err := client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create node %s: %w", name, err)
		}
	}
	return nil
}

// waitClusterReady waits until workloads can run: the default ServiceAccount exists (the
// serviceaccount controller made it) and every fake node reports Ready (kwok took it over).
func waitClusterReady(ctx context.Context, client kubernetes.Interface, n int, apiDone, componentDone <-chan error) error {
	var last string
	for {
		last = clusterNotReadyReason(ctx, client, n)
		if last == "" {
			return nil
		}
		select {
		case err := <-apiDone:
			return fmt.Errorf("kube-apiserver exited: %v", err)
		case err := <-componentDone:
			return err
		case <-ctx.Done():
			return fmt.Errorf("%w: %s", ctx.Err(), last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func clusterNotReadyReason(ctx context.Context, client kubernetes.Interface, n int) string {
	if _, err := client.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{}); err != nil {
		return "default ServiceAccount: " + err.Error()
	}
	for i := 0; i < n; i++ {
		node, err := client.CoreV1().Nodes().Get(ctx, nodeName(i), metav1.GetOptions{})
		if err != nil {
			return "node: " + err.Error()
		}
		ready := false
		for _, c := range node.Status.Conditions {
			if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
				ready = true
			}
		}
		if !ready {
			return "node " + node.Name + " not Ready"
		}
	}
	return ""
}

// shutdown stops the components (by cancelling their context), waits a bounded time for the
// apiserver to finish, then closes etcd.
func shutdown(o *options, e *embed.Etcd, apiDone <-chan error, cancel context.CancelFunc) {
	cancel()
	select {
	case <-apiDone:
	case <-time.After(o.shutdownTimeout):
	}
	closed := make(chan struct{})
	go func() {
		e.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
	}
}
